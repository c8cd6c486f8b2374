import { Column, Entity, PrimaryColumn } from 'typeorm';

export const NOTIFICATION_KINDS = ['invoice_issued', 'session_cancelled', 'waitlist_promoted', 'consent_expiring', 'compliance_expiring'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_STATUSES = ['queued', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * The outbox row of one email to one recipient (API.md v1.1 "Notifications", DOMAIN rule 18): written in
 * the transaction of the event that causes it, sent by the `mail` queue, never sent twice.
 */
@Entity('notifications')
export class Notification {
  @PrimaryColumn('uuid') id: string;
  @Column('text') kind: NotificationKind;
  @Column('text') recipient: string;
  /** What the kind's template needs (never medical notes nor case-note text). */
  @Column('jsonb') data: Record<string, unknown>;
  @Column({ name: 'attachment_document_id', type: 'uuid', nullable: true }) attachmentDocumentId: string | null;
  @Column('text') status: NotificationStatus;
  @Column('integer') attempts: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'text', nullable: true }) subject: string | null;
  @Column({ name: 'smtp_message_id', type: 'text', nullable: true }) smtpMessageId: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true }) enqueuedAt: Date | null;
  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true }) lastAttemptAt: Date | null;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt: Date | null;
}
