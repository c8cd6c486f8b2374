import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An invoice or credit note, numbered without gaps in its series (billing-documents.repository.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('documents')
export class BillingDocument {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) series: string;
  @Column({ type: 'integer' }) seq: number;
  @Column({ type: 'text' }) number: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ name: 'billing_run_id', type: 'uuid', nullable: true }) billingRunId: string | null;
  @Column({ name: 'recipient_type', type: 'text' }) recipientType: string;
  @Column({ name: 'commissioner_id', type: 'uuid' }) commissionerId: string;
  @Column({ name: 'budget_id', type: 'uuid', nullable: true }) budgetId: string | null;
  @Column({ name: 'recipient_name', type: 'text' }) recipientName: string;
  @Column({ name: 'recipient_email', type: 'text', nullable: true }) recipientEmail: string | null;
  @Column({ name: 'recipient_address', type: 'text', nullable: true }) recipientAddress: string | null;
  @Column({ name: 'customer_code', type: 'text' }) customerCode: string;
  @Column({ name: 'issue_date', type: 'date' }) issueDate: string;
  @Column({ name: 'due_date', type: 'date' }) dueDate: string;
  @Column({ name: 'po_number', type: 'text', nullable: true }) poNumber: string | null;
  @Column({ name: 'net_pence', type: 'bigint' }) netPence: number;
  @Column({ name: 'vat_pence', type: 'bigint' }) vatPence: number;
  @Column({ name: 'total_pence', type: 'bigint' }) totalPence: number;
  @Column({ name: 'credited_document_id', type: 'uuid', nullable: true }) creditedDocumentId: string | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
