import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { IsCalendarDate, IsId, IsOmittable, IsPence } from '../../common/validation.js';
import { CANCELLED_SESSIONS, type CancelledSessions, type Contract, LATE_JOINERS, type LateJoiners, VAT_TREATMENTS, type VatTreatment } from '../contract.entity.js';
import type { ContractPeriod } from '../contract-periods.repository.js';

export class CreateContractDto {
  @ApiProperty({ format: 'uuid' })
  @IsId()
  commissionerId: string;

  @ApiProperty({ example: 'CCC-SB-2024-017', description: 'Unique per commissioner' })
  @IsString() @MinLength(1) @MaxLength(100)
  reference: string;

  @ApiProperty({ example: '2024-09-01', format: 'date' })
  @IsCalendarDate()
  startsOn: string;

  @ApiProperty({ example: '2028-08-31', format: 'date', description: 'Extensions move the end' })
  @IsCalendarDate()
  endsOn: string;

  @ApiProperty({
    type: 'integer',
    example: 45000,
    description:
      'Price per participant per term, integer pence: the price of the contract’s first period. Once a registration or a document uses the contract it cannot be changed by PATCH (422 contract-in-use): use POST /contracts/:id/extensions',
  })
  @IsPence()
  pricePerTermPence: number;

  @ApiPropertyOptional({ type: 'integer', example: 6, description: 'Minimum viable number of participants' })
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  minParticipants?: number;

  @ApiPropertyOptional({
    example: 'PO-448812',
    description: 'Quoted on every invoice and export row of the contract’s managed places (never on a budget holder’s); fixed like the price once the contract is in use',
  })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  poNumber?: string;

  @ApiPropertyOptional({ type: 'integer', default: 0, description: 'VAT rate in basis points (2000 = 20%); only a `standard` treatment may have one', minimum: 0, maximum: 10000 })
  @IsOmittable() @IsInt() @Min(0) @Max(10000)
  vatRateBasisPoints?: number;

  @ApiPropertyOptional({
    enum: VAT_TREATMENTS,
    description: 'Default: `standard` when vatRateBasisPoints > 0, else `exempt` (welfare services supplied by a charity, VATA 1994 Schedule 9 Group 7). Only `standard` may have a rate (422)',
  })
  @IsOmittable() @IsIn(VAT_TREATMENTS)
  vatTreatment?: VatTreatment;

  @ApiPropertyOptional({
    enum: LATE_JOINERS,
    default: 'pro_rata',
    description: 'A place taken after the census: `pro_rata` costs the price × sessions left ÷ sessions (round half up); `not_billed` costs nothing',
  })
  @IsOmittable() @IsIn(LATE_JOINERS)
  lateJoiners?: LateJoiners;

  @ApiPropertyOptional({
    enum: CANCELLED_SESSIONS,
    default: 'credit',
    description: 'A cancelled session: `credit` the commissioner price ÷ sessions per place billed; `make_up` a make-up session, or the credit when none by the term’s end',
  })
  @IsOmittable() @IsIn(CANCELLED_SESSIONS)
  cancelledSessions?: CancelledSessions;

  @ApiPropertyOptional({ example: '4010', description: 'The finance ledger’s nominal (income) account code, on every line and export row' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(50)
  nominalCode?: string;

  @ApiPropertyOptional({ example: 'SB', description: 'The finance ledger’s department (cost centre) code' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(50)
  departmentCode?: string;

  @ApiProperty({ format: 'uuid', type: [String], maxItems: 500, description: 'Programmes the contract covers' })
  @IsArray() @ArrayMaxSize(500) @ArrayUnique() @IsId({ each: true })
  programmeIds: string[];
}

/** Any field but commissionerId; null clears the nullable ones (minParticipants, poNumber) and is refused for the rest. */
export class UpdateContractDto extends PartialType(OmitType(CreateContractDto, ['commissionerId'] as const), { skipNullProperties: false }) {}

/** POST /contracts/:id/extensions */
export class CreateExtensionDto {
  @ApiProperty({ example: '2030-08-31', format: 'date', description: 'The contract now runs to this date (not before its current end)' })
  @IsCalendarDate()
  endsOn: string;

  @ApiPropertyOptional({
    format: 'date',
    description: 'Terms starting on or after this date take the new price and PO; default: the day after the old end. Must be after the first day of every term a registration or document of this contract belongs to (422 contract-in-use)',
  })
  @IsOmittable() @IsCalendarDate()
  effectiveFrom?: string;

  @ApiPropertyOptional({ type: 'integer', example: 47000, description: 'The new period’s price; default: the price of the period it continues' })
  @IsOmittable() @IsPence()
  pricePerTermPence?: number;

  @ApiPropertyOptional({ description: 'The new period’s purchase order; default: the PO of the period it continues; null: none' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  poNumber?: string | null;
}

export class ContractPeriodResponse {
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ type: 'integer' }) pricePerTermPence: number;
  @ApiProperty({ type: String, nullable: true }) poNumber: string | null;
}

export class ContractQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsId()
  commissionerId?: string;
}

export class ContractResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) commissionerId: string;
  @ApiProperty() reference: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ type: 'integer', description: 'The latest period’s price (what a new term takes)' }) pricePerTermPence: number;
  @ApiProperty({ type: 'integer', nullable: true }) minParticipants: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The latest period’s purchase order' }) poNumber: string | null;
  @ApiProperty({ type: 'integer' }) vatRateBasisPoints: number;
  @ApiProperty({ enum: VAT_TREATMENTS }) vatTreatment: VatTreatment;
  @ApiProperty({ enum: LATE_JOINERS }) lateJoiners: LateJoiners;
  @ApiProperty({ enum: CANCELLED_SESSIONS }) cancelledSessions: CancelledSessions;
  @ApiProperty({ type: String, nullable: true }) nominalCode: string | null;
  @ApiProperty({ type: String, nullable: true }) departmentCode: string | null;
  @ApiProperty({ format: 'uuid', type: [String] }) programmeIds: string[];
  @ApiProperty({ type: [ContractPeriodResponse], description: 'Stretches of the contract with their own price and PO; a term takes the period in force on its first day' })
  periods: ContractPeriodResponse[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static of(c: Contract, periods: ContractPeriod[]): ContractResponse {
    return {
      id: c.id,
      commissionerId: c.commissionerId,
      reference: c.reference,
      startsOn: c.startsOn,
      endsOn: c.endsOn,
      pricePerTermPence: c.pricePerTermPence,
      minParticipants: c.minParticipants,
      poNumber: c.poNumber,
      vatRateBasisPoints: c.vatRateBasisPoints,
      vatTreatment: c.vatTreatment,
      lateJoiners: c.lateJoiners,
      cancelledSessions: c.cancelledSessions,
      nominalCode: c.nominalCode,
      departmentCode: c.departmentCode,
      programmeIds: (c.programmes ?? []).map((p) => p.id).sort(),
      periods: periods.map((p) => ({ ...p })),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}

export class ContractPage extends PageResponse {
  @ApiProperty({ type: [ContractResponse] }) items: ContractResponse[];
}
