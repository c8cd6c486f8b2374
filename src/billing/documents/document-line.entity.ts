import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One line of an invoice or credit note (billing-documents.repository.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('document_lines')
export class DocumentLine {
  @PrimaryColumn({ name: 'document_id', type: 'uuid' }) documentId: string;
  @PrimaryColumn({ type: 'integer' }) line: number;
  @Column({ type: 'text' }) description: string;
  @Column({ name: 'programme_id', type: 'uuid' }) programmeId: string;
  @Column({ name: 'term_id', type: 'uuid' }) termId: string;
  @Column({ name: 'contract_id', type: 'uuid' }) contractId: string;
  @Column({ name: 'period_start', type: 'date' }) periodStart: string;
  @Column({ name: 'period_end', type: 'date' }) periodEnd: string;
  @Column({ type: 'integer' }) quantity: number;
  @Column({ name: 'unit_pence', type: 'integer' }) unitPence: number;
  @Column({ name: 'amount_pence', type: 'bigint' }) amountPence: number;
  @Column({ name: 'vat_unit_pence', type: 'integer' }) vatUnitPence: number;
  @Column({ name: 'vat_pence', type: 'bigint' }) vatPence: number;
  @Column({ name: 'budget_references', type: 'text', array: true }) budgetReferences: string[];
  @Column({ type: 'text' }) kind: string;
  @Column({ name: 'council_ids', type: 'text', array: true }) councilIds: string[];
  @Column({ name: 'vat_treatment', type: 'text' }) vatTreatment: string;
  @Column({ name: 'vat_rate_basis_points', type: 'integer' }) vatRateBasisPoints: number;
  @Column({ name: 'nominal_code', type: 'text', nullable: true }) nominalCode: string | null;
  @Column({ name: 'department_code', type: 'text', nullable: true }) departmentCode: string | null;
}
