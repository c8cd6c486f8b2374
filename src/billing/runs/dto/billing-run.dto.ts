import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, ValidateBy } from 'class-validator';
import { PageQuery, PageResponse } from '../../../common/pagination.js';
import { FIRST_QUARTER_YEAR, isBillableQuarter, LAST_QUARTER_YEAR, normalizeQuarter } from '../../quarter.js';
import { PlannedDocumentResponse } from '../../documents/dto/invoice.dto.js';

export const BILLING_RUN_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type BillingRunStatus = (typeof BILLING_RUN_STATUSES)[number];

const QUARTER_DESCRIPTION =
  `A calendar quarter (Q1 = January–March) written YYYY-Qn, from ${FIRST_QUARTER_YEAR}-Q1 to ${LAST_QUARTER_YEAR}-Q4; ` +
  'a lower-case q is accepted (2026-q4 is 2026-Q4), answers always write it in upper case';

/** A quarter from FIRST_QUARTER_YEAR to LAST_QUARTER_YEAR, `q` taken for `Q`. */
function IsQuarter(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => normalizeQuarter(value)),
    ValidateBy({
      name: 'isQuarter',
      validator: {
        validate: (value: unknown) => isBillableQuarter(value),
        defaultMessage: () =>
          `quarter must be a calendar quarter written YYYY-Qn (Q1 = January–March) from ${FIRST_QUARTER_YEAR}-Q1 to ${LAST_QUARTER_YEAR}-Q4, e.g. 2026-Q4`,
      },
    }),
  );
}

export class CreateBillingRunDto {
  @ApiProperty({ example: '2026-Q4', pattern: '^\\d{4}-[Qq][1-4]$', description: QUARTER_DESCRIPTION })
  @IsQuarter()
  quarter: string;

  @ApiPropertyOptional({ description: 'true: answer 200 with the documents a run would issue now; nothing is numbered or saved' })
  @IsOptional() @IsBoolean()
  dryRun?: boolean;
}

export class BillingRunQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-Q4', pattern: '^\\d{4}-[Qq][1-4]$', description: QUARTER_DESCRIPTION }) @IsOptional() @IsQuarter()
  quarter?: string;
  @ApiPropertyOptional({ enum: BILLING_RUN_STATUSES }) @IsOptional() @IsIn(BILLING_RUN_STATUSES)
  status?: BillingRunStatus;
}

export class BillingRunResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2026-Q4' }) quarter: string;
  @ApiProperty({ enum: BILLING_RUN_STATUSES }) status: BillingRunStatus;
  @ApiProperty({ format: 'uuid', type: [String], description: 'Invoices this run issued, in number order' }) invoiceIds: string[];
  @ApiProperty({ format: 'uuid', type: [String], description: 'Credit notes this run issued, in number order' }) creditNoteIds: string[];
  @ApiProperty({ type: 'integer', description: 'Invoices minus credit notes this run issued, VAT included' }) totalPence: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed' }) error: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date', description: 'The London date the run billed as at (the issue date)' })
  runOn: string | null;
  @ApiProperty({ type: 'integer', description: 'How many times a worker has started it' }) attempts: number;
  @ApiProperty({ enum: ['api', 'schedule'] }) trigger: string;
  @ApiProperty({ type: 'integer' }) invoiceCount: number;
  @ApiProperty({ type: 'integer' }) creditNoteCount: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) startedAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) completedAt: string | null;
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
  @ApiProperty({ type: 'integer' }) invoiceCount: number;
  @ApiProperty({ type: 'integer' }) creditNoteCount: number;
  @ApiProperty({ type: 'integer', description: 'Invoices minus credit notes, VAT included' }) totalPence: number;
}
