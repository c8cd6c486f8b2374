import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type Page, paginate } from '../common/pagination.js';
import { notFound } from '../common/problem.js';
import { AppConfig } from '../config/app-config.js';
import { OutboxSweeper } from '../queue/outbox.js';
import { buildAlertPayload } from './alert-payload.js';
import { SafeguardingAlertQuery, SafeguardingAlertResponse } from './dto/safeguarding-alert.dto.js';
import { SafeguardingAlert } from './safeguarding-alert.entity.js';
import { SafeguardingAlertRepository } from './safeguarding-alert.repository.js';
import { SafeguardingAlertsOutbox } from './safeguarding-alerts.outbox.js';
import { signedHeaders } from './webhook-signature.js';

/**
 * Safeguarding alerts: an outbox row written in the note's transaction (work that must survive Redis
 * being down is written to Postgres first), queued after the commit, delivered as a signed webhook
 * carrying no note body, retried with exponential backoff; the outbox sweeper queues what the request
 * could not, and what Redis lost (SafeguardingAlertsOutbox).
 */
@Injectable()
export class SafeguardingAlertsService {
  constructor(
    @InjectRepository(SafeguardingAlert) private readonly alerts: Repository<SafeguardingAlert>,
    private readonly outbox: SafeguardingAlertsOutbox,
    private readonly sweeper: OutboxSweeper,
    private readonly repository: SafeguardingAlertRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * Whether a note of this category raises an alert: safeguarding notes, when a webhook is configured.
   * The alert's outbox row is written by the statement that writes the note (alertOutboxClause, safeguarding-alert.repository.ts).
   */
  alertsFor(category: string): boolean {
    return category === 'safeguarding' && this.config.safeguardingWebhook.url !== undefined;
  }

  /** Queues a delivery (after the commit). Never throws: an alert left pending is queued by the outbox sweeper. */
  async enqueue(alertId: string): Promise<boolean> {
    const entry = await this.outbox.find(alertId).catch(() => undefined);
    return entry ? this.sweeper.dispatch(this.outbox, entry) : false;
  }

  /**
   * One delivery attempt: a signed POST of the payload. A 2xx marks the alert delivered; anything else
   * records the failure and throws, so Bull retries (on the last attempt the alert is marked failed). A job
   * of an older dispatch generation than the alert's (the sweeper gave the alert a new job) does nothing.
   */
  async deliver(alertId: string, lastAttempt: boolean, generation?: number): Promise<void> {
    const alert = await this.repository.findToDeliver(alertId);
    if (!alert || alert.status === 'delivered') return; // Bull delivers at least once
    if (generation !== undefined && generation !== alert.generation) return;
    const { url, secret, timeoutMs } = this.config.safeguardingWebhook;
    if (!url || !secret) {
      await this.recordAttempt(alertId, 'failed', null, 'No SAFEGUARDING_WEBHOOK_URL is configured any more');
      return;
    }
    const sentAt = new Date();
    const payload = buildAlertPayload(
      {
        alertId,
        caseNoteId: alert.caseNoteId,
        participantId: alert.participantId,
        occurredAt: alert.occurredAt,
        recordedAt: alert.createdAt,
      },
      this.config.publicBaseUrl,
      sentAt,
    );
    const rawBody = JSON.stringify(payload);
    let httpStatus: number | null = null;
    let failure: string | null = null;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...signedHeaders(secret, rawBody, sentAt), 'User-Agent': 'short-breaks-back-office', 'X-Alert-Id': alertId },
        body: rawBody,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      httpStatus = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) failure = `The receiver answered HTTP ${response.status}`;
    } catch (error) {
      failure = describeFetchError(error);
    }
    if (failure === null) {
      await this.recordAttempt(alertId, 'delivered', httpStatus, null);
      return;
    }
    await this.recordAttempt(alertId, lastAttempt ? 'failed' : 'retrying', httpStatus, failure);
    throw new Error(failure);
  }

  list(query: SafeguardingAlertQuery): Promise<Page<SafeguardingAlertResponse>> {
    const qb = this.alerts.createQueryBuilder('alert');
    if (query.status) qb.andWhere('alert.status = :status', { status: query.status });
    if (query.caseNoteId) qb.andWhere('alert.caseNoteId = :caseNoteId', { caseNoteId: query.caseNoteId });
    return paginate(qb, query, SafeguardingAlertResponse.of);
  }

  async get(id: string): Promise<SafeguardingAlertResponse> {
    const alert = await this.alerts.findOneBy({ id });
    if (!alert) throw notFound('safeguarding alert', id);
    return SafeguardingAlertResponse.of(alert);
  }

  private recordAttempt(alertId: string, status: 'delivered' | 'retrying' | 'failed', httpStatus: number | null, error: string | null) {
    return this.repository.recordAttempt(alertId, status, httpStatus, error);
  }
}

/** A short reason without the URL (which may carry a token). */
function describeFetchError(error: unknown): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'The receiver did not answer in time';
  return `Could not reach the receiver${e?.cause?.code ? ` (${e.cause.code})` : ''}`;
}
