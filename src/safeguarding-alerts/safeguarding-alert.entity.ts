import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ALERT_STATUSES = ['pending', 'queued', 'retrying', 'delivered', 'failed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * The outbox row of a safeguarding alert: written in the transaction of the safeguarding note, then
 * delivered through Bull. Records every delivery attempt's outcome.
 */
@Entity('safeguarding_alerts')
export class SafeguardingAlert {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_note_id', type: 'uuid' }) caseNoteId: string;
  @Column({ name: 'participant_id', type: 'uuid' }) participantId: string;
  @Column('text') status: AlertStatus;
  @Column('integer') attempts: number;
  @Column({ name: 'last_http_status', type: 'integer', nullable: true }) lastHttpStatus: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true }) enqueuedAt: Date | null;
  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true }) lastAttemptAt: Date | null;
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true }) deliveredAt: Date | null;
}
