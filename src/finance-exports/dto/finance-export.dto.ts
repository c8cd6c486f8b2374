import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageResponse } from '../../common/pagination.js';
import { EXPORT_LAYOUTS, type ExportLayout } from '../finance-export-csv.js';

export class FinanceExportResponse {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'Documents in this export (each document is in exactly one export)' }) documentCount: number;
  @ApiProperty({ description: 'Invoices minus credit notes, VAT included' }) totalPence: number;
  @ApiProperty({ description: 'Rows of the CSV file below its header: one per document line per budget reference' }) rowCount: number;
  @ApiProperty() createdAt: string;
}

export class FinanceExportPage extends PageResponse {
  @ApiProperty({ type: [FinanceExportResponse] }) items: FinanceExportResponse[];
}

export class FinanceExportFileQuery {
  @ApiPropertyOptional({ enum: EXPORT_LAYOUTS, default: 'standard' })
  @IsOptional() @IsIn(EXPORT_LAYOUTS)
  layout?: ExportLayout;
}
