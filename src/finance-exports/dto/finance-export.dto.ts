import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageResponse } from '../../common/pagination.js';
import { EXPORT_LAYOUTS, type ExportLayout } from '../finance-export-csv.js';

export class FinanceExportResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer', description: 'Documents in this export (each document is in exactly one export)' }) documentCount: number;
  @ApiProperty({ type: 'integer', description: 'Invoices minus credit notes, VAT included' }) totalPence: number;
  @ApiProperty({ type: 'integer', description: 'Rows of the CSV file below its header: one per document line per budget reference' }) rowCount: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** POST /finance-exports when no issued document is waiting: nothing is created (200, not 201). */
export class NothingToExportResponse {
  @ApiProperty({ type: String, nullable: true, enum: [null], description: 'null: no export was created' }) id: null;
  @ApiProperty({ type: 'integer', enum: [0] }) documentCount: 0;
  @ApiProperty({ type: 'integer', enum: [0] }) totalPence: 0;
  @ApiProperty({ type: 'integer', enum: [0] }) rowCount: 0;
  @ApiProperty({ type: String, nullable: true, enum: [null] }) createdAt: null;
}

export const NOTHING_TO_EXPORT: NothingToExportResponse = { id: null, documentCount: 0, totalPence: 0, rowCount: 0, createdAt: null };

export class FinanceExportPage extends PageResponse {
  @ApiProperty({ type: [FinanceExportResponse] }) items: FinanceExportResponse[];
}

export class FinanceExportFileQuery {
  @ApiPropertyOptional({ enum: EXPORT_LAYOUTS, default: 'standard' })
  @IsOptional() @IsIn(EXPORT_LAYOUTS)
  layout?: ExportLayout;
}
