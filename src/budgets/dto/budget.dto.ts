import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { PageResponse } from '../../common/pagination.js';
import { IsCalendarDate, IsId, IsPence } from '../../common/validation.js';
import { BUDGET_TYPES, type BudgetType, PersonalBudget } from '../personal-budget.entity.js';

const isDirectPayment = (dto: CreateBudgetDto) => dto.type === 'direct_payment';

/** A direct-payment holder's postal address: printed on their invoices. */
export class HolderAddressDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: 5, example: ['12 Mill Road', 'Cambridge'], description: '1 to 5 lines (street, town...)' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5) @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(200, { each: true })
  lines: string[];

  @ApiProperty({ example: 'CB1 2AB' })
  @IsString() @MinLength(1) @MaxLength(16)
  postcode: string;
}

export class CreateBudgetDto {
  @ApiProperty({ enum: BUDGET_TYPES })
  @IsIn(BUDGET_TYPES)
  type: BudgetType;

  @ApiProperty({ format: 'uuid' })
  @IsId()
  commissionerId: string;

  @ApiProperty({ example: 'PB-2026-00417', description: "The council's reference; unique per commissioner" })
  @IsString() @MinLength(1) @MaxLength(100)
  reference: string;

  @ApiProperty({ type: 'integer', example: 180000, description: 'Integer pence' })
  @IsPence()
  amountPence: number;

  @ApiProperty({ format: 'date', example: '2026-04-01' })
  @IsCalendarDate()
  validFrom: string;

  @ApiProperty({ format: 'date', example: '2027-03-31' })
  @IsCalendarDate()
  validTo: string;

  @ApiPropertyOptional({ description: 'Required for direct payments: the budget holder who is invoiced' })
  @ValidateIf((dto: CreateBudgetDto) => isDirectPayment(dto) || dto.holderName !== undefined)
  @IsString() @MinLength(1) @MaxLength(200)
  holderName?: string;

  @ApiPropertyOptional({ description: 'Required for direct payments' })
  @ValidateIf((dto: CreateBudgetDto) => isDirectPayment(dto) || dto.holderEmail !== undefined)
  @IsEmail() @MaxLength(320)
  holderEmail?: string;

  @ApiPropertyOptional({ type: HolderAddressDto, description: 'Direct payments only: where the holder’s invoices are addressed (printed on them)' })
  @IsOptional() @ValidateNested() @Type(() => HolderAddressDto)
  holderAddress?: HolderAddressDto;
}

export class BudgetResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ enum: BUDGET_TYPES }) type: BudgetType;
  @ApiProperty({ format: 'uuid' }) commissionerId: string;
  @ApiProperty() reference: string;
  @ApiProperty({ type: 'integer' }) amountPence: number;
  @ApiProperty({ type: 'integer', description: 'Committed by registrations' }) committedPence: number;
  @ApiProperty({ type: 'integer', description: 'amountPence - committedPence' }) remainingPence: number;
  @ApiProperty({ format: 'date' }) validFrom: string;
  @ApiProperty({ format: 'date' }) validTo: string;
  @ApiProperty({ type: String, nullable: true }) holderName: string | null;
  @ApiProperty({ type: String, nullable: true }) holderEmail: string | null;
  @ApiProperty({ type: HolderAddressDto, nullable: true }) holderAddress: HolderAddressDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(b: PersonalBudget): BudgetResponse {
    return {
      id: b.id,
      participantId: b.participantId,
      type: b.type,
      commissionerId: b.commissionerId,
      reference: b.reference,
      amountPence: b.amountPence,
      committedPence: b.committedPence,
      remainingPence: b.amountPence - b.committedPence,
      validFrom: b.validFrom,
      validTo: b.validTo,
      holderName: b.holderName,
      holderEmail: b.holderEmail,
      holderAddress: b.holderAddress,
      createdAt: b.createdAt.toISOString(),
    };
  }
}

export class BudgetPage extends PageResponse {
  @ApiProperty({ type: [BudgetResponse] }) items: BudgetResponse[];
}
