import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { IsCalendarDate, IsId, IsPence } from '../../common/validation.js';

export const MAX_ALLOCATIONS = 500;

export class AllocationDto {
  @ApiProperty({ format: 'uuid', description: "An invoice addressed to the remittance's commissioner" }) @IsId() invoiceId: string;
  @ApiProperty({ type: 'integer', example: 45000, description: 'At most what is outstanding on the invoice' }) @IsPence(1) amountPence: number;
}

const ALLOCATIONS_DESCRIPTION =
  'Where the money goes. Without it, oldest outstanding invoice first (by due date, then issue date, then number). ' +
  'Each at most what is outstanding on an invoice of the commissioner (422 naming allocations[i].amountPence), never to a credit note, ' +
  "another commissioner's invoice or a direct-payment holder's invoice (422 naming allocations[i].invoiceId), together at most what is not yet allocated.";

export class CreateRemittanceDto {
  @ApiProperty({ format: 'uuid', description: 'The council that paid' }) @IsId() commissionerId: string;
  @ApiProperty({ format: 'date', description: 'Not in the future' }) @IsCalendarDate() receivedOn: string;
  @ApiProperty({ type: 'integer', example: 120000 }) @IsPence(1) amountPence: number;
  @ApiProperty({ example: 'CCC remittance 2026-12-01 BACS' }) @IsString() @MinLength(1) @MaxLength(200) reference: string;

  @ApiPropertyOptional({ type: [AllocationDto], maxItems: MAX_ALLOCATIONS, description: ALLOCATIONS_DESCRIPTION })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_ALLOCATIONS) @ValidateNested({ each: true }) @Type(() => AllocationDto)
  allocations?: AllocationDto[];
}

export class AllocateRemittanceDto {
  @ApiPropertyOptional({ type: [AllocationDto], maxItems: MAX_ALLOCATIONS, description: ALLOCATIONS_DESCRIPTION })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_ALLOCATIONS) @ValidateNested({ each: true }) @Type(() => AllocationDto)
  allocations?: AllocationDto[];
}

export class AllocationResponse {
  @ApiProperty({ format: 'uuid', description: 'The payment row the allocation is (GET /payments/:id/receipt prints it)' }) paymentId: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ example: 'INV-000001' }) invoiceNumber: string;
  @ApiProperty({ type: 'integer' }) amountPence: number;
  @ApiProperty({
    format: 'date',
    description:
      "The payment's date: made with the remittance, its receivedOn (or the invoice's issue date if later); made later from money on account, the day it was made",
  })
  receivedOn: string;
}

export class RemittanceResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) commissionerId: string;
  @ApiProperty({ format: 'date' }) receivedOn: string;
  @ApiProperty({ type: 'integer' }) amountPence: number;
  @ApiProperty() reference: string;
  @ApiProperty({ type: [AllocationResponse], description: 'Every allocation of the remittance, in the order made' }) allocations: AllocationResponse[];
  @ApiProperty({ type: 'integer', description: 'Sum of the allocations' }) allocatedPence: number;
  @ApiProperty({ type: 'integer', description: 'Money on account: amountPence − allocatedPence' }) unallocatedPence: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RemittancePage extends PageResponse {
  @ApiProperty({ type: [RemittanceResponse] }) items: RemittanceResponse[];
}

export class RemittanceQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsId() commissionerId?: string;
}
