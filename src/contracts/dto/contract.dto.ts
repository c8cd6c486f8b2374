import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { IsCalendarDate, IsId, IsOmittable, IsPence } from '../../common/validation.js';
import type { Contract } from '../contract.entity.js';

export class CreateContractDto {
  @ApiProperty()
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

  @ApiProperty({ example: 45000, description: 'Price per participant per term, integer pence' })
  @IsPence()
  pricePerTermPence: number;

  @ApiPropertyOptional({ example: 6, description: 'Minimum viable number of participants' })
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  minParticipants?: number;

  @ApiPropertyOptional({ example: 'PO-448812', description: 'Quoted on every invoice and export row of the contract' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  poNumber?: string;

  @ApiPropertyOptional({ default: 0, description: 'VAT rate in basis points (2000 = 20%)', minimum: 0, maximum: 10000 })
  @IsOmittable() @IsInt() @Min(0) @Max(10000)
  vatRateBasisPoints?: number;

  @ApiProperty({ type: [String], maxItems: 500, description: 'Programmes the contract covers' })
  @IsArray() @ArrayMaxSize(500) @ArrayUnique() @IsId({ each: true })
  programmeIds: string[];
}

/** Any field but commissionerId; null clears the nullable ones (minParticipants, poNumber) and is refused for the rest. */
export class UpdateContractDto extends PartialType(OmitType(CreateContractDto, ['commissionerId'] as const), { skipNullProperties: false }) {}

export class ContractQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional() @IsId()
  commissionerId?: string;
}

export class ContractResponse {
  @ApiProperty() id: string;
  @ApiProperty() commissionerId: string;
  @ApiProperty() reference: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty() pricePerTermPence: number;
  @ApiProperty({ type: Number, nullable: true }) minParticipants: number | null;
  @ApiProperty({ type: String, nullable: true }) poNumber: string | null;
  @ApiProperty() vatRateBasisPoints: number;
  @ApiProperty({ type: [String] }) programmeIds: string[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static of(c: Contract): ContractResponse {
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
      programmeIds: (c.programmes ?? []).map((p) => p.id).sort(),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}

export class ContractPage extends PageResponse {
  @ApiProperty({ type: [ContractResponse] }) items: ContractResponse[];
}
