import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';

export const SUPPORT_LEVELS = ['group', 'one_to_one', 'two_to_one'] as const;
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { EmptyMeansAbsent, TrimmedSearch } from '../../common/query-params.js';
import { IsCalendarDate, IsId, IsOmittable } from '../../common/validation.js';
import { REGISTRATION_STATUSES, type RegistrationStatus } from '../../registrations/registration.entity.js';
import type { CouncilId } from '../participant-council-ids.repository.js';
import type { EmergencyContact, Guardian, Participant } from '../participant.entity.js';
import {
  DISABILITY_CATEGORIES,
  type DisabilityCategory,
  equalityOf,
  ETHNIC_GROUP_LABELS,
  ETHNICITIES,
  type Ethnicity,
  type Gender,
  GENDERS,
  OUTWARD_CODE,
  PREFER_NOT_TO_SAY,
  SEND_CATEGORY_LABELS,
} from '../equality-monitoring.js';

const ETHNICITY_DESCRIPTION =
  'Equality monitoring: the 2021 Census (England and Wales) ethnic group, or prefer_not_to_say. ' +
  Object.entries(ETHNIC_GROUP_LABELS).map(([value, label]) => `${value}: ${label}`).join('; ');
const DISABILITY_DESCRIPTION =
  'Equality monitoring: the SEN primary type of need categories of the DfE school census that apply, or ["prefer_not_to_say"] alone ' +
  '(the bare string "prefer_not_to_say" is taken as that). ' +
  Object.entries(SEND_CATEGORY_LABELS).map(([value, label]) => `${value}: ${label}`).join('; ');
const SPECIAL_CATEGORY = 'Returned only to roles that may read medical notes, and each read is audited (detail equality-monitoring)';

export class GuardianDto implements Guardian {
  @ApiProperty({ example: 'Alex Smith' })
  @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'mother' })
  @IsString() @MinLength(1) @MaxLength(100)
  relationship: string;

  @ApiPropertyOptional({ example: '07700 900123' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(50)
  phone?: string;

  @ApiPropertyOptional({ example: 'alex@example.org' })
  @IsOptional() @IsEmail() @MaxLength(320)
  email?: string;
}

export class EmergencyContactDto implements EmergencyContact {
  @ApiProperty()
  @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  relationship?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MinLength(1) @MaxLength(50)
  phone?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsEmail() @MaxLength(320)
  email?: string;
}

/** The participant's client id at one council (its own case-management number). */
export class CouncilIdDto implements CouncilId {
  @ApiProperty({ format: 'uuid', description: 'The council (commissioner)' })
  @IsId()
  commissionerId: string;

  @ApiProperty({ example: 'MOSAIC-448812', description: "The council's client id for the child" })
  @IsString() @MinLength(1) @MaxLength(100) @Matches(/\S/, { message: '$property must not be blank' })
  id: string;
}

export class CreateParticipantDto {
  @ApiProperty({ example: 'Jamie' })
  @IsString() @MinLength(1) @MaxLength(100)
  firstName: string;

  @ApiProperty({ example: 'Smith' })
  @IsString() @MinLength(1) @MaxLength(100)
  lastName: string;

  @ApiProperty({ example: '2013-05-14', format: 'date' })
  @IsCalendarDate()
  dateOfBirth: string;

  @ApiProperty({ type: [GuardianDto], minItems: 1, maxItems: 10, description: 'At least one parent or carer' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => GuardianDto)
  guardians: GuardianDto[];

  @ApiPropertyOptional({ type: [EmergencyContactDto], maxItems: 10 })
  @IsOmittable() @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => EmergencyContactDto)
  emergencyContacts?: EmergencyContactDto[];

  @ApiPropertyOptional({ description: 'Support needs (what helps the young person take part)' })
  @IsOptional() @IsString() @MaxLength(5000)
  needs?: string;

  @ApiPropertyOptional({ description: 'Health data: returned only to admin, coordinator, support_worker and safeguarding_lead' })
  @IsOptional() @IsString() @MaxLength(10000)
  medicalNotes?: string;

  @ApiPropertyOptional({ default: false, description: 'Mirrors the current photography consent: a value different from what applies today records a photography consent (today, no expiry; GET /participants/:id/consents), so true renews an expired one' })
  @IsOmittable() @IsBoolean()
  photoConsent?: boolean;

  @ApiPropertyOptional({ enum: GENDERS, nullable: true, description: `Equality monitoring. ${SPECIAL_CATEGORY}` })
  @IsOptional() @IsIn(GENDERS)
  gender?: Gender | null;

  @ApiPropertyOptional({ enum: ETHNICITIES, nullable: true, description: ETHNICITY_DESCRIPTION })
  @IsOptional() @IsIn(ETHNICITIES)
  ethnicity?: Ethnicity | null;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', enum: [...DISABILITY_CATEGORIES] }, nullable: true, maxItems: DISABILITY_CATEGORIES.length, description: DISABILITY_DESCRIPTION })
  @IsOptional()
  @Transform(({ value }) => (value === PREFER_NOT_TO_SAY ? [PREFER_NOT_TO_SAY] : value))
  @IsArray() @ArrayUnique() @ArrayMaxSize(DISABILITY_CATEGORIES.length) @IsIn(DISABILITY_CATEGORIES, { each: true })
  @ValidateBy({
    name: 'preferNotToSayAlone',
    validator: { validate: (v: unknown) => !(Array.isArray(v) && v.length > 1 && v.includes(PREFER_NOT_TO_SAY)), defaultMessage: () => 'prefer_not_to_say must stand alone' },
  })
  disabilityCategories?: DisabilityCategory[] | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'CB2',
    description: "Equality monitoring: the postcode's outward code only (e.g. CB2, CB10, SW1A), or prefer_not_to_say; a full postcode is refused (400)",
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && value !== PREFER_NOT_TO_SAY ? value.trim().toUpperCase() : value))
  @IsString()
  @Matches(new RegExp(`${OUTWARD_CODE.source}|^${PREFER_NOT_TO_SAY}$`), {
    message: 'postcodeDistrict must be the outward code only (e.g. CB2, CB10, SW1A), not a full postcode, or prefer_not_to_say',
  })
  postcodeDistrict?: string | null;

  @ApiPropertyOptional({ enum: SUPPORT_LEVELS, default: 'group', description: 'How many support workers the participant needs: group (shared, by the programme’s groupRatio), one_to_one, two_to_one' })
  @IsOmittable() @IsIn(SUPPORT_LEVELS)
  supportLevel?: SupportLevel;

  @ApiPropertyOptional({
    type: [CouncilIdDto],
    maxItems: 20,
    description: "The child's client id at each council (one per commissioner), printed with the budget reference on that council's invoices. A PATCH replaces the whole list",
  })
  @IsOmittable() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => CouncilIdDto)
  councilIds?: CouncilIdDto[];
}

/** Any field may be left out; null clears the nullable ones (needs, medicalNotes) and is refused for the rest. */
export class UpdateParticipantDto extends PartialType(CreateParticipantDto, { skipNullProperties: false }) {}

export class ParticipantResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ format: 'date' }) dateOfBirth: string;
  @ApiProperty({ type: [GuardianDto] }) guardians: Guardian[];
  @ApiProperty({ type: [EmergencyContactDto] }) emergencyContacts: EmergencyContact[];
  @ApiProperty({ type: String, nullable: true }) needs: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Present only for roles that may read medical notes' })
  medicalNotes?: string | null;
  @ApiProperty({ description: 'The current photography consent (false when none, refused or expired)' }) photoConsent: boolean;
  @ApiProperty({ enum: SUPPORT_LEVELS }) supportLevel: SupportLevel;
  @ApiProperty({ type: [CouncilIdDto] }) councilIds: CouncilId[];
  @ApiPropertyOptional({ enum: GENDERS, nullable: true, description: SPECIAL_CATEGORY }) gender?: Gender | null;
  @ApiPropertyOptional({ enum: ETHNICITIES, nullable: true, description: SPECIAL_CATEGORY }) ethnicity?: Ethnicity | null;
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', enum: [...DISABILITY_CATEGORIES] }, nullable: true, description: SPECIAL_CATEGORY })
  disabilityCategories?: DisabilityCategory[] | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'CB2', description: SPECIAL_CATEGORY }) postcodeDistrict?: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true, description: 'Set once the record has been anonymised' }) erasedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static of(p: Participant, withMedicalNotes: boolean, councilIds: CouncilId[] = []): ParticipantResponse {
    return {
      id: p.id,
      firstName: p.firstName,
      lastName: p.lastName,
      dateOfBirth: p.dateOfBirth,
      guardians: p.guardians,
      emergencyContacts: p.emergencyContacts,
      needs: p.needs,
      ...(withMedicalNotes ? { medicalNotes: p.medicalNotes } : {}),
      photoConsent: p.photoConsent,
      supportLevel: p.supportLevel,
      councilIds,
      ...(withMedicalNotes ? equalityOf(p) : {}),
      erasedAt: p.erasedAt?.toISOString() ?? null,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }
}

/** `GET /participants`: paging and filters (all optional, combined with AND). */
export class ParticipantQuery extends PageQuery {
  @ApiPropertyOptional({
    maxLength: 100,
    example: 'Maya',
    description: 'Case-insensitive name prefix: matches the start of "firstName lastName" or of lastName; % and _ are taken literally',
  })
  @IsOptional() @TrimmedSearch() @IsString() @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only participants with a registration for this programme' })
  @IsOptional() @EmptyMeansAbsent() @IsId()
  programmeId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only participants with a registration for this term' })
  @IsOptional() @EmptyMeansAbsent() @IsId()
  termId?: string;

  @ApiPropertyOptional({
    enum: REGISTRATION_STATUSES,
    description: 'Only participants with a registration in this status (with programmeId and termId: that registration)',
  })
  @IsOptional() @EmptyMeansAbsent() @IsIn(REGISTRATION_STATUSES)
  registrationStatus?: RegistrationStatus;
}

export class ParticipantPage extends PageResponse {
  @ApiProperty({ type: [ParticipantResponse] }) items: ParticipantResponse[];
}
