import { Entity, PrimaryColumn } from 'typeorm';

/**
 * A document claimed by an export: each document by one export only.
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('finance_export_documents')
export class FinanceExportDocument {
  @PrimaryColumn({ name: 'export_id', type: 'uuid' }) exportId: string;
  @PrimaryColumn({ name: 'document_id', type: 'uuid' }) documentId: string;
}
