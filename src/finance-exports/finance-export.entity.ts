import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One export of issued documents to the finance system (finance-export.repository.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('finance_exports')
export class FinanceExport {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) source: string;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @Column({ name: 'document_count', type: 'integer' }) documentCount: number;
  @Column({ name: 'row_count', type: 'integer' }) rowCount: number;
  @Column({ name: 'total_pence', type: 'bigint' }) totalPence: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
