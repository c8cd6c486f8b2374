import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { IsCalendarDate, IsId, IsOmittable } from '../../common/validation.js';
import { COMPLIANCE_KINDS, COMPLIANCE_STATUSES, type ComplianceKind, type ComplianceStatus, SUBJECT_TYPES, type SubjectType } from '../compliance-rules.js';

export class CreateComplianceDocumentDto {
  @ApiProperty({ enum: COMPLIANCE_KINDS, example: 'public_liability_insurance' })
  @IsIn(COMPLIANCE_KINDS)
  kind: ComplianceKind;

  @ApiProperty({ enum: SUBJECT_TYPES, example: 'organisation' })
  @IsIn(SUBJECT_TYPES)
  subjectType: SubjectType;

  @ApiPropertyOptional({ format: 'uuid', description: 'The user or programme; required for those, absent for the organisation (400 otherwise); an unknown one → 422' })
  @ValidateIf((o: CreateComplianceDocumentDto) => o.subjectType !== 'organisation' || o.subjectId !== undefined)
  @IsId()
  subjectId?: string;

  @ApiPropertyOptional({ example: 'Policy PL-2026-0042' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  reference?: string;

  @ApiProperty({ format: 'date', example: '2026-04-01' })
  @IsCalendarDate()
  issuedOn: string;

  @ApiPropertyOptional({ format: 'date', example: '2027-03-31', description: 'The last day it is valid; not before issuedOn (422). Absent: it does not expire' })
  @IsOptional() @IsCalendarDate()
  expiresOn?: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional() @IsString() @MaxLength(4000)
  notes?: string;
}

export class UpdateComplianceDocumentDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  reference?: string | null;

  @ApiPropertyOptional({ format: 'date' })
  @IsOmittable() @IsCalendarDate()
  issuedOn?: string;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, description: 'null: it does not expire' })
  @IsOptional() @IsCalendarDate()
  expiresOn?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 4000 })
  @IsOptional() @IsString() @MaxLength(4000)
  notes?: string | null;
}

export class ComplianceDocumentQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SUBJECT_TYPES })
  @IsOptional() @IsIn(SUBJECT_TYPES)
  subjectType?: SubjectType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsId()
  subjectId?: string;

  @ApiPropertyOptional({ enum: COMPLIANCE_KINDS })
  @IsOptional() @IsIn(COMPLIANCE_KINDS)
  kind?: ComplianceKind;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 3650,
    description: 'Only current documents expiring within this many days of today (London), those already expired included',
  })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(3650)
  expiringWithinDays?: number;
}

export class ComplianceDocumentResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: COMPLIANCE_KINDS }) kind: ComplianceKind;
  @ApiProperty({ enum: SUBJECT_TYPES }) subjectType: SubjectType;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) subjectId: string | null;
  @ApiProperty({ type: String, nullable: true }) reference: string | null;
  @ApiProperty({ format: 'date' }) issuedOn: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) expiresOn: string | null;
  @ApiProperty({ type: String, nullable: true }) notes: string | null;
  @ApiProperty({ description: 'The one that applies for its kind and subject (false: history, superseded by a newer one)' }) current: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) supersededById: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) supersededAt: string | null;
  @ApiProperty({ enum: ['valid', 'expiring', 'expired'], description: 'On today’s London date; expiring: within 60 days' }) status: Exclude<ComplianceStatus, 'missing'>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ComplianceDocumentPage extends PageResponse {
  @ApiProperty({ type: [ComplianceDocumentResponse] }) items: ComplianceDocumentResponse[];
}

export class ComplianceItemResponse {
  @ApiProperty({ enum: COMPLIANCE_KINDS }) kind: ComplianceKind;
  @ApiProperty({ enum: SUBJECT_TYPES }) subjectType: SubjectType;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) subjectId: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The user's or programme's name" }) subjectName: string | null;
  @ApiProperty({ enum: COMPLIANCE_STATUSES }) status: ComplianceStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The current document; null when missing' }) documentId: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) expiresOn: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Days from today to the expiry (negative once expired)' }) daysToExpiry: number | null;
}

export class ComplianceStatusCounts {
  @ApiProperty({ type: 'integer' }) valid: number;
  @ApiProperty({ type: 'integer' }) expiring: number;
  @ApiProperty({ type: 'integer' }) expired: number;
  @ApiProperty({ type: 'integer' }) missing: number;
}

export class ComplianceStatusResponse {
  @ApiProperty({ format: 'date', description: "Today's London date, on which the statuses are taken" }) asOf: string;
  @ApiProperty({ type: ComplianceStatusCounts }) counts: ComplianceStatusCounts;
  @ApiProperty({ type: [ComplianceItemResponse] }) items: ComplianceItemResponse[];
}

export class ComplianceReminderQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsId()
  documentId?: string;
}

export class ComplianceReminderResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty({ type: 'integer', enum: [60, 30, 7, 0], description: 'Days before the expiry (0: on the day)' }) threshold: number;
  @ApiProperty({ enum: COMPLIANCE_KINDS }) kind: ComplianceKind;
  @ApiProperty({ enum: SUBJECT_TYPES }) subjectType: SubjectType;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) subjectId: string | null;
  @ApiProperty({ format: 'date' }) expiresOn: string;
  @ApiProperty({ format: 'date', description: 'The day the reminder was due' }) dueOn: string;
  @ApiProperty({ format: 'date', description: 'The London day the daily job raised it' }) raisedOn: string;
  @ApiProperty({ format: 'date-time' }) raisedAt: string;
}

export class ComplianceReminderPage extends PageResponse {
  @ApiProperty({ type: [ComplianceReminderResponse] }) items: ComplianceReminderResponse[];
}
