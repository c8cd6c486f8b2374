import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An expiry reminder raised for a document at a threshold (60, 30, 7, 0 days), once
 * (compliance-document.repository.ts raiseReminders). Declared for the schema's sake (migrations own
 * the table; SQL lives in the repository).
 */
@Entity('compliance_reminders')
export class ComplianceReminderEntity {
  @PrimaryColumn({ name: 'document_id', type: 'uuid' }) documentId: string;
  @PrimaryColumn({ type: 'integer' }) threshold: number;
  @Column({ type: 'uuid', unique: true }) id: string;
  @Column({ name: 'expires_on', type: 'date' }) expiresOn: string;
  @Column({ name: 'due_on', type: 'date' }) dueOn: string;
  @Column({ name: 'raised_on', type: 'date' }) raisedOn: string;
  @Column({ name: 'raised_at', type: 'timestamptz' }) raisedAt: Date;
  @Column({ name: 'notified_at', type: 'timestamptz', nullable: true }) notifiedAt: Date | null;
}
