import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../../auth/principal.js';
import { todayInLondon } from '../../common/london-calendar.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, keysetPage, type Page } from '../../common/pagination.js';
import { conflict, notFound, ProblemError } from '../../common/problem.js';
import { withTimeout } from '../../common/with-timeout.js';
import { setTransactionReadOnly } from '../../database/database.repository.js';
import { AppConfig } from '../../config/app-config.js';
import { isUniqueViolation } from '../../database/pg-errors.js';
import { inTransaction } from '../../database/transaction.js';
import { writeInvoiceNotifications } from '../../notifications/notification.repository.js';
import { jobLiveness } from '../../queue/job-liveness.js';
import { OutboxSweeper } from '../../queue/outbox.js';
import type { PlannedDocument } from './billing-lines.js';
import { type BillingRunRecord, BillingRunRepository, type InFlightRun } from './billing-run.repository.js';
import { BillingRunsOutbox } from './billing-runs.outbox.js';
import { executeBillingRun, previewBilling } from './billing-transactions.js';
import type { BillingPreviewResponse, BillingRunQuery, BillingRunResponse } from './dto/billing-run.dto.js';
import type { PlannedDocumentResponse } from '../documents/dto/invoice.dto.js';
import { toPlannedLineResponse, toRecipientResponse } from '../documents/document-responses.js';
import { previousQuarter } from '../quarter.js';
import { ProblemCode } from '../../common/problem-codes.js';

export function toPlannedDocumentResponse(d: PlannedDocument): PlannedDocumentResponse {
  return {
    kind: d.kind,
    recipient: toRecipientResponse(d.recipient),
    issueDate: d.issueDate,
    dueDate: d.dueDate,
    poNumber: d.poNumber,
    lines: d.lines.map(toPlannedLineResponse),
    netPence: d.netPence,
    vatPence: d.vatPence,
    totalPence: d.totalPence,
    creditedDocumentId: d.creditedDocumentId,
    reason: d.reason,
  };
}

/**
 * Billing runs (rule 5). A request commits the run row first and only then enqueues its Bull job (an
 * outbox, BillingRunsOutbox): when Redis is down the request still succeeds and the outbox sweeper
 * enqueues the run later. The worker executes a run in one transaction under the quarter's advisory
 * lock; the billing ledger's unique (registration, version) makes a second execution from the same state
 * impossible to commit.
 */
@Injectable()
export class BillingRunsService {
  private readonly logger = new Logger('BillingRuns');

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: BillingRunRepository,
    private readonly outbox: BillingRunsOutbox,
    private readonly sweeper: OutboxSweeper,
    private readonly config: AppConfig,
  ) {}

  /** POST /billing-runs: the active run of the quarter (created: false) or a new queued one. */
  async request(quarter: string, principal: Principal | null): Promise<{ created: boolean; run: BillingRunResponse }> {
    const { created, id } = await this.createOrFindActive(quarter, principal ? 'api' : 'schedule', principal?.id ?? null);
    // read before enqueueing: a new run answers as created (queued), whatever a quick worker does next
    const run = await this.get(id);
    if (created) await this.dispatch(id);
    return { created, run };
  }

  /** What a run of the quarter would issue today: the same loading and arithmetic, read-only, nothing numbered. */
  async preview(quarter: string): Promise<BillingPreviewResponse> {
    const runOn = todayInLondon();
    const documents = await this.dataSource.transaction('REPEATABLE READ', async (em) => {
      await setTransactionReadOnly(em);
      return previewBilling(em, quarter, runOn);
    });
    return {
      quarter,
      dryRun: true,
      runOn,
      documents: documents.map(toPlannedDocumentResponse),
      invoiceCount: documents.filter((d) => d.kind === 'invoice').length,
      creditNoteCount: documents.filter((d) => d.kind === 'credit_note').length,
      totalPence: documents.reduce((sum, d) => sum + (d.kind === 'invoice' ? d.totalPence : -d.totalPence), 0),
    };
  }

  async get(id: string): Promise<BillingRunResponse> {
    const run = await this.repository.find(id);
    if (!run) throw notFound('billing run', id);
    return toRunResponse(run);
  }

  async list(query: BillingRunQuery): Promise<Page<BillingRunResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const runs = await this.repository.list({
      after: query.cursor ? decodeCursor(query.cursor) : null,
      quarter: query.quarter ?? null,
      status: query.status ?? null,
      limit: limit + 1,
    });
    return keysetPage(runs, limit, toRunResponse);
  }

  /**
   * POST /billing-runs/:id/retry: a failed run, or a run stuck `running` whose job will not run and that
   * nobody is executing, goes back to the queue under a new job id.
   */
  async retry(id: string): Promise<BillingRunResponse> {
    const current = await this.get(id);
    let requeued: InFlightRun | undefined;
    let refusal: string = current.status;
    try {
      if (current.status === 'failed') requeued = await this.repository.requeueFailed(id);
      else if (current.status === 'running') ({ requeued, refusal } = await this.requeueStuck(id));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(ProblemCode.BillingRunActive, 'Another run of this quarter is queued or running: wait for it instead');
      throw error;
    }
    if (!requeued) {
      throw conflict(ProblemCode.BillingRunNotFailed, `Only a failed run, or a running one whose worker has gone, can be retried; this one is ${refusal}`);
    }
    const run = await this.get(id); // answered as re-queued, whatever a quick worker does next
    await this.dispatch(id);
    return run;
  }

  /** A running run whose job will not run (Redis must say so) and that nobody executes: back to queued. */
  private async requeueStuck(id: string): Promise<{ requeued?: InFlightRun; refusal: string }> {
    const entry = await this.outbox.find(id);
    if (entry?.status !== 'running') return { refusal: entry?.status ?? 'no longer running' };
    let liveness;
    try {
      liveness = await withTimeout(jobLiveness(this.outbox.queue, entry.jobId), this.config.redisCommandTimeoutMs, 'Redis');
    } catch {
      throw new ProblemError(503, ProblemCode.Unavailable, 'Service unavailable', 'Redis is not answering, so whether this run’s worker is alive cannot be told: try again shortly', undefined, {
        'Retry-After': '10',
      });
    }
    if (liveness === 'live') return { refusal: 'running, and its worker is alive: wait for it' };
    const outcome = await this.repository.requeueStuck(id, entry.generation);
    if (outcome.outcome === 'requeued') return { requeued: outcome.run, refusal: '' };
    if (outcome.outcome === 'busy') return { refusal: 'running, and a transaction of its quarter is still open (a worker that died a moment ago): try again shortly' };
    return { refusal: 'no longer stuck' };
  }

  /**
   * Executes a run (the Bull job's work). Claiming it counts the attempt; a completed run is left alone,
   * so a redelivered or duplicated job is harmless. On failure the run is marked failed with the error
   * (in its own transaction) and the error is rethrown for Bull to retry with backoff.
   */
  async execute(runId: string, generation?: number): Promise<void> {
    let quarter: string | undefined;
    try {
      quarter = await this.repository.claim(runId, generation ?? null);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A failed run came back from Bull's backoff while a newer run of its quarter is active: that one bills.
      await this.markFailed(runId, 'Superseded: another run of this quarter was queued meanwhile and bills the quarter', generation);
      return;
    }
    if (quarter === undefined) return; // completed already, or a job of an older generation (the run has a newer one)
    const started = Date.now();
    try {
      const outcome = await inTransaction(this.dataSource, async (em) => {
        const executed = await executeBillingRun(em, runId, todayInLondon());
        if (executed.executed) await writeInvoiceNotifications(em, runId); // invoice_issued emails, in the run's transaction
        return executed;
      });
      if (outcome.executed) {
        this.logger.log(
          { runId, quarter, documents: outcome.issued.length, ms: Date.now() - started },
          'Billing run completed',
        );
      }
    } catch (error) {
      await this.markFailed(runId, (error as Error)?.message ?? String(error), generation).catch((e) =>
        this.logger.error({ err: e, runId }, 'Could not record the failure of a billing run'),
      );
      throw error;
    }
  }

  /** The scheduled job: the previous quarter's run (or its active one), enqueued. */
  async scheduleQuarter(today = todayInLondon()): Promise<BillingRunResponse> {
    return (await this.request(previousQuarter(today), null)).run;
  }

  /** Adds the run's job now; when Redis does not take it, the outbox sweeper will. */
  private async dispatch(id: string): Promise<void> {
    const entry = await this.outbox.find(id);
    if (entry) await this.sweeper.dispatch(this.outbox, entry);
  }

  private async createOrFindActive(quarter: string, trigger: 'api' | 'schedule', requestedBy: string | null): Promise<{ created: boolean; id: string }> {
    for (let attempt = 1; ; attempt++) {
      const inserted = await this.repository.insertQueued(quarter, trigger, requestedBy);
      if (inserted) return { created: true, id: inserted };
      const active = await this.repository.findActive(quarter);
      if (active) return { created: false, id: active };
      if (attempt >= 5) throw conflict(ProblemCode.BillingRunBusy, `Runs of ${quarter} keep finishing as this request arrives: try again`);
    }
  }

  /** Marks the run failed with `message`, unless it completed or moved on to a newer job generation. */
  private markFailed(runId: string, message: string, generation?: number): Promise<void> {
    return this.repository.markFailed(runId, message, generation ?? null);
  }

}

function toRunResponse(r: BillingRunRecord): BillingRunResponse {
  return {
    id: r.id,
    quarter: r.quarter,
    status: r.status,
    invoiceIds: r.invoiceIds,
    creditNoteIds: r.creditNoteIds,
    totalPence: r.totalPence,
    error: r.error,
    runOn: r.runOn,
    attempts: r.attempts,
    trigger: r.trigger,
    invoiceCount: r.invoiceCount,
    creditNoteCount: r.creditNoteCount,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    completedAt: r.completedAt?.toISOString() ?? null,
  };
}
