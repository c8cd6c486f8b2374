import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageResponse } from '../../common/pagination.js';
import { IsCalendarDate } from '../../common/validation.js';
import type { Consent } from '../consent.repository.js';
import { CONSENT_PURPOSES, type ConsentPurpose } from '../consent-purposes.js';

export class RecordConsentDto {
  @ApiProperty({ enum: CONSENT_PURPOSES, example: 'off_site_trips' }) @IsIn(CONSENT_PURPOSES) purpose: ConsentPurpose;
  @ApiProperty({ description: 'true: given; false: refused' }) @IsBoolean() given: boolean;
  @ApiProperty({ example: 'Alex Smith (mother)', maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) givenBy: string;
  @ApiProperty({ format: 'date', example: '2026-09-05' }) @IsCalendarDate() recordedOn: string;
  @ApiPropertyOptional({ format: 'date', description: 'The last day it applies; not before recordedOn (422)' })
  @IsOptional() @IsCalendarDate()
  expiresOn?: string;
}

export class ConsentResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ enum: CONSENT_PURPOSES }) purpose: ConsentPurpose;
  @ApiProperty() given: boolean;
  @ApiProperty() givenBy: string;
  @ApiProperty({ format: 'date' }) recordedOn: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) expiresOn: string | null;
  @ApiProperty({ description: 'user:<id>, or "participant record" for one made from photoConsent' }) recordedBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export const toConsentResponse = (c: Consent): ConsentResponse => ({ ...c, createdAt: c.createdAt.toISOString() });

export class CurrentConsentsResponse {
  @ApiProperty({ type: Boolean, nullable: true }) photography: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) emergency_medical_treatment: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) off_site_trips: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) information_sharing: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) transport: boolean | null;
}

export class ConsentPage extends PageResponse {
  @ApiProperty({ type: [ConsentResponse], description: 'Every consent recorded, oldest first (the history)' }) items: ConsentResponse[];
  @ApiProperty({ type: CurrentConsentsResponse, description: 'What applies today (London) per purpose: the latest recorded, unless expired (null)' })
  current: CurrentConsentsResponse;
}
