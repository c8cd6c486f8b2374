import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageResponse } from '../../common/pagination.js';
import { IsOmittable } from '../../common/validation.js';
import type { Commissioner } from '../commissioner.entity.js';

export class CreateCommissionerDto {
  @ApiProperty({ example: 'Cambridgeshire County Council' })
  @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'CAMBS', description: 'Unique (case-insensitive); the customer code in the finance ledger' })
  @IsString() @MinLength(1) @MaxLength(50)
  code: string;

  @ApiPropertyOptional({ example: 'accounts.payable@cambridgeshire.gov.uk' })
  @IsOptional() @IsEmail() @MaxLength(320)
  invoiceEmail?: string;

  @ApiPropertyOptional({ default: false, description: "Email each invoice of a billing run, PDF attached, to invoiceEmail (invoice_issued notifications)" })
  @IsOmittable() @IsBoolean()
  sendInvoicesByEmail?: boolean;

  @ApiPropertyOptional({ type: 'integer', default: 30, minimum: 0, maximum: 365 })
  @IsOmittable() @IsInt() @Min(0) @Max(365)
  paymentTermsDays?: number;

  @ApiPropertyOptional({ description: 'Postal address for invoices', example: 'Shire Hall, Cambridge CB3 0AP' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(500)
  address?: string;
}

/** Any field may be left out; null clears the nullable ones (invoiceEmail, address) and is refused for the rest. */
export class UpdateCommissionerDto extends PartialType(CreateCommissionerDto, { skipNullProperties: false }) {}

export class CommissionerResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() code: string;
  @ApiProperty({ type: String, nullable: true }) invoiceEmail: string | null;
  @ApiProperty({ description: 'Invoices are emailed to invoiceEmail, PDF attached' }) sendInvoicesByEmail: boolean;
  @ApiProperty({ type: 'integer' }) paymentTermsDays: number;
  @ApiProperty({ type: String, nullable: true }) address: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static of(c: Commissioner): CommissionerResponse {
    return {
      id: c.id,
      name: c.name,
      code: c.code,
      invoiceEmail: c.invoiceEmail,
      sendInvoicesByEmail: c.sendInvoicesByEmail,
      paymentTermsDays: c.paymentTermsDays,
      address: c.address,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}

export class CommissionerPage extends PageResponse {
  @ApiProperty({ type: [CommissionerResponse] }) items: CommissionerResponse[];
}
