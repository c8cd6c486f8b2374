import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { InvoicesService } from '../billing/documents/invoices.service.js';
import { type Page, paginate } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { OutboxSweeper } from '../queue/outbox.js';
import { NotificationQuery, NotificationResponse } from './dto/notification.dto.js';
import { Mailer } from './mailer.js';
import { Notification } from './notification.entity.js';
import { NotificationRepository } from './notification.repository.js';
import { NotificationsOutbox } from './notifications.outbox.js';
import { renderNotification, subjectOf } from './templates/index.js';

/**
 * Email notifications (API.md v1.1 "Notifications", DOMAIN rule 18): outbox rows written in the
 * transaction of their event (NotificationRepository's write* methods), queued after the commit,
 * sent through SMTP with retries and backoff; `failed` once MAIL_ATTEMPTS sends have failed.
 *
 * Never sent twice: a send claims the row first (a conditional UPDATE), and records `sent` with the
 * SMTP server's message id as soon as the server has accepted the message; a job for a row that is
 * sent (or held by another sender) does nothing. Only a worker killed between the server's acceptance
 * and that record leaves the outcome unknown: the row is sent again then, under the same Message-ID.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('Notifications');

  constructor(
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
    private readonly repository: NotificationRepository,
    private readonly outbox: NotificationsOutbox,
    private readonly sweeper: OutboxSweeper,
    private readonly mailer: Mailer,
    private readonly invoices: InvoicesService,
    private readonly config: AppConfig,
  ) {}

  /** Queues the sends of notifications just committed. Never throws: what is left queued, the outbox sweeper sends. */
  async dispatch(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const entry = await this.outbox.find(id).catch(() => undefined);
      if (entry) await this.sweeper.dispatch(this.outbox, entry);
    }
  }

  /**
   * One send of a notification (for dispatch generation `generation`): claim, render, send, record.
   * Throws when the SMTP server did not take it, so Bull retries with backoff (after MAIL_ATTEMPTS the
   * row is failed and nothing is thrown).
   */
  async send(id: string, generation?: number): Promise<void> {
    if (!this.mailer.configured) return; // no SMTP_URL: the row waits, queued
    const claimed = await this.repository.claim(id, generation, this.config.mail.sendTimeoutMs * 3);
    if (!claimed) return; // sent, failed, another generation's, or being sent by another worker
    let subject = '';
    try {
      const message = renderNotification(claimed.kind, claimed.data, this.config.provider);
      subject = message.subject;
      const attachments = claimed.attachmentDocumentId ? [await this.attachment(claimed.attachmentDocumentId)] : undefined;
      const messageId = await this.mailer.send({
        to: claimed.recipient,
        ...message,
        messageId: `<notification-${claimed.id}@${this.mailer.domain}>`,
        attachments,
      });
      await this.repository.recordSent(claimed.id, subject, messageId);
    } catch (error) {
      const reason = describeSmtpError(error);
      const lastAttempt = claimed.attempts >= this.config.mail.attempts;
      await this.repository.recordFailure(claimed.id, lastAttempt ? 'failed' : 'queued', reason);
      if (lastAttempt) {
        this.logger.warn({ notificationId: claimed.id, kind: claimed.kind, attempts: claimed.attempts, reason }, 'Notification failed for good');
        return;
      }
      throw new Error(reason);
    }
  }

  /** Notifications, newest last; finance sees invoice notifications only. Never a body. */
  list(query: NotificationQuery, principal: Principal): Promise<Page<NotificationResponse>> {
    const qb = this.notifications.createQueryBuilder('notification');
    if (query.status) qb.andWhere('notification.status = :status', { status: query.status });
    if (query.kind) qb.andWhere('notification.kind = :kind', { kind: query.kind });
    if (principal.kind === 'user' && principal.role === 'finance') qb.andWhere(`notification.kind = 'invoice_issued'`);
    return paginate(qb, query, (n) => NotificationResponse.of(n, subjectOf(n, this.config.provider)));
  }

  /** The invoice as a PDF, rendered from the stored document when the message is sent. */
  private async attachment(documentId: string) {
    const { filename, content } = await this.invoices.pdf(documentId);
    return { filename, content, contentType: 'application/pdf' };
  }
}

/** The SMTP server's answer (code and text), without credentials. */
function describeSmtpError(error: unknown): string {
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
  if (e?.response) return `SMTP ${e.responseCode ?? ''} ${e.response}`.replace(/\s+/g, ' ').trim().slice(0, 500);
  return `${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(error)}`.replace(/smtps?:\/\/[^\s]*/g, 'smtp://…').slice(0, 500);
}
