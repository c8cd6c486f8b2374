import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A stretch of a contract with its own price and purchase order (contract-periods.repository.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('contract_periods')
export class ContractPeriodEntity {
  @PrimaryColumn({ name: 'contract_id', type: 'uuid' }) contractId: string;
  @PrimaryColumn({ name: 'starts_on', type: 'date' }) startsOn: string;
  @Column({ name: 'ends_on', type: 'date' }) endsOn: string;
  @Column({ name: 'price_per_term_pence', type: 'integer' }) pricePerTermPence: number;
  @Column({ name: 'po_number', type: 'text', nullable: true }) poNumber: string | null;
}
