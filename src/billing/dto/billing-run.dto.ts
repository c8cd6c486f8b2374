import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { QUARTER_PATTERN } from '../quarter.js';
import { PlannedDocumentResponse } from './invoice.dto.js';

export const BILLING_RUN_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type BillingRunStatus = (typeof BILLING_RUN_STATUSES)[number];

export class CreateBillingRunDto {
  @ApiProperty({ example: '2026-Q4', description: 'A calendar quarter (Q1 = January–March), written YYYY-Qn' })
  @Matches(QUARTER_PATTERN, { message: 'quarter must be a calendar quarter written YYYY-Qn (Q1 = January–March), e.g. 2026-Q4' })
  quarter: string;

  @ApiPropertyOptional({ description: 'true: answer 200 with the documents a run would issue now; nothing is numbered or saved' })
  @IsOptional() @IsBoolean()
  dryRun?: boolean;
}

export class BillingRunQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-Q4' }) @IsOptional() @Matches(QUARTER_PATTERN, { message: 'quarter must be written YYYY-Qn' })
  quarter?: string;
  @ApiPropertyOptional({ enum: BILLING_RUN_STATUSES }) @IsOptional() @IsIn(BILLING_RUN_STATUSES)
  status?: BillingRunStatus;
}

export class BillingRunResponse {
  @ApiProperty() id: string;
  @ApiProperty({ example: '2026-Q4' }) quarter: string;
  @ApiProperty({ enum: BILLING_RUN_STATUSES }) status: BillingRunStatus;
  @ApiProperty({ type: [String], description: 'Invoices this run issued, in number order' }) invoiceIds: string[];
  @ApiProperty({ type: [String], description: 'Credit notes this run issued, in number order' }) creditNoteIds: string[];
  @ApiProperty({ description: 'Invoices minus credit notes this run issued, VAT included' }) totalPence: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed' }) error: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date', description: 'The London date the run billed as at (the issue date)' })
  runOn: string | null;
  @ApiProperty({ description: 'How many times a worker has started it' }) attempts: number;
  @ApiProperty({ enum: ['api', 'schedule'] }) trigger: string;
  @ApiProperty() invoiceCount: number;
  @ApiProperty() creditNoteCount: number;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: String, nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) completedAt: string | null;
}

export class BillingRunPage extends PageResponse {
  @ApiProperty({ type: [BillingRunResponse] }) items: BillingRunResponse[];
}

export class BillingPreviewResponse {
  @ApiProperty({ example: '2026-Q4' }) quarter: string;
  @ApiProperty({ enum: [true] }) dryRun: true;
  @ApiProperty({ format: 'date', description: 'The London date the preview was computed as at' }) runOn: string;
  @ApiProperty({ type: [PlannedDocumentResponse], description: 'What a run would issue now: no numbers, nothing saved' })
  documents: PlannedDocumentResponse[];
  @ApiProperty() invoiceCount: number;
  @ApiProperty() creditNoteCount: number;
  @ApiProperty({ description: 'Invoices minus credit notes, VAT included' }) totalPence: number;
}
