import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Money received against an invoice, on its own or as part of a remittance (payments.repository.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('payments')
export class Payment {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'document_id', type: 'uuid' }) documentId: string;
  @Column({ name: 'amount_pence', type: 'integer' }) amountPence: number;
  @Column({ name: 'received_on', type: 'date' }) receivedOn: string;
  @Column({ type: 'text' }) reference: string;
  @Column({ name: 'recorded_by', type: 'uuid', nullable: true }) recordedBy: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'text' }) method: string;
  @Column({ name: 'remittance_id', type: 'uuid', nullable: true }) remittanceId: string | null;
}
