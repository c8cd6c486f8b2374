import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A run of a quarter's billing, and its outbox state (billing-run.repository.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('billing_runs')
export class BillingRun {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) quarter: string;
  @Column({ type: 'text' }) status: string;
  @Column({ type: 'text' }) trigger: string;
  @Column({ name: 'requested_by', type: 'uuid', nullable: true }) requestedBy: string | null;
  @Column({ name: 'run_on', type: 'date', nullable: true }) runOn: string | null;
  @Column({ type: 'integer' }) attempts: number;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true }) enqueuedAt: Date | null;
  @Column({ name: 'dispatch_generation', type: 'integer' }) dispatchGeneration: number;
  @Column({ name: 'invoice_count', type: 'integer' }) invoiceCount: number;
  @Column({ name: 'credit_note_count', type: 'integer' }) creditNoteCount: number;
  @Column({ name: 'total_pence', type: 'bigint' }) totalPence: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'integer' }) recoveries: number;
}
