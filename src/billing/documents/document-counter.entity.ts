import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last number given in a document series (INV, CN).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('document_counters')
export class DocumentCounter {
  @PrimaryColumn({ type: 'text' }) series: string;
  @Column({ name: 'last_number', type: 'bigint' }) lastNumber: number;
}
