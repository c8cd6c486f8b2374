import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One billing of one unit (a place or a session) at one version: +1 invoiced, -1 credited (billing-ledger.repository.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('billing_ledger')
export class BillingLedgerEntry {
  @PrimaryColumn({ name: 'registration_id', type: 'uuid' }) registrationId: string;
  @PrimaryColumn({ type: 'integer' }) version: number;
  @Column({ name: 'previous_version', type: 'integer', nullable: true }) previousVersion: number | null;
  @Column({ type: 'smallint' }) change: number;
  @Column({ name: 'programme_id', type: 'uuid' }) programmeId: string;
  @Column({ name: 'term_id', type: 'uuid' }) termId: string;
  @Column({ name: 'document_id', type: 'uuid' }) documentId: string;
  @Column({ type: 'integer' }) line: number;
  @Column({ name: 'budget_reference', type: 'text' }) budgetReference: string;
  @Column({ name: 'amount_pence', type: 'integer' }) amountPence: number;
  @Column({ name: 'vat_pence', type: 'integer' }) vatPence: number;
  @Column({ name: 'reverses_document_id', type: 'uuid', nullable: true }) reversesDocumentId: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @PrimaryColumn({ type: 'text' }) unit: string;
  @Column({ name: 'session_id', type: 'uuid', nullable: true }) sessionId: string | null;
  @Column({ name: 'session_date', type: 'date', nullable: true }) sessionDate: string | null;
  @Column({ name: 'council_id', type: 'text', nullable: true }) councilId: string | null;
}
