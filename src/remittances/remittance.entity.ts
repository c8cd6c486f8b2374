import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A council's payment covering several invoices, allocated to them (remittance.repository.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('remittances')
export class RemittanceEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'commissioner_id', type: 'uuid' }) commissionerId: string;
  @Column({ name: 'received_on', type: 'date' }) receivedOn: string;
  @Column({ name: 'amount_pence', type: 'bigint' }) amountPence: number;
  @Column({ type: 'text' }) reference: string;
  @Column({ name: 'allocated_pence', type: 'bigint' }) allocatedPence: number;
  @Column({ name: 'recorded_by', type: 'uuid', nullable: true }) recordedBy: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
