import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { EmptyMeansAbsent } from '../../common/query-params.js';
import { IsCalendarDate, IsId } from '../../common/validation.js';
import {
  REFERRAL_DECISIONS,
  REFERRAL_SOURCES,
  REFERRAL_STATUSES,
  type ReferralDecision,
  type ReferralSource,
  type ReferralStatus,
} from '../referral-rules.js';

export class CreateReferralDto {
  @ApiProperty({ enum: REFERRAL_SOURCES, example: 'council' })
  @IsIn(REFERRAL_SOURCES)
  source: ReferralSource;

  @ApiPropertyOptional({ format: 'uuid', description: 'The council that referred or funds the young person' })
  @IsOptional() @IsId()
  commissionerId?: string;

  @ApiProperty({ format: 'date', example: '2026-07-14', description: 'The day the referral was made; not in the future (London)' })
  @IsCalendarDate()
  referredOn: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The programme the young person is referred to' })
  @IsOptional() @IsId()
  programmeId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The participant, when a record exists already' })
  @IsOptional() @IsId()
  participantId?: string;

  @ApiPropertyOptional({ example: 'Jamie', description: 'Who the child is before a participant record exists' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  childFirstName?: string;

  @ApiPropertyOptional({ example: 'Smith' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  childLastName?: string;

  @ApiPropertyOptional({ description: 'Free text about the referral (erased with the participant; never in a monitoring return)' })
  @IsOptional() @IsString() @MaxLength(5000)
  notes?: string;
}

export class ReferralDecisionDto {
  @ApiProperty({ enum: REFERRAL_DECISIONS, description: '`accepted` needs a participant: in this body or already on the referral' })
  @IsIn(REFERRAL_DECISIONS)
  status: ReferralDecision;

  @ApiPropertyOptional({ example: 'Needs are met better by a specialist provision', description: 'Why' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(2000)
  reason?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The participant the accepted referral becomes (links the referral to it)' })
  @IsOptional() @IsId()
  participantId?: string;
}

export class ReferralResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REFERRAL_SOURCES }) source: ReferralSource;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) commissionerId: string | null;
  @ApiProperty({ format: 'date' }) referredOn: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) programmeId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) participantId: string | null;
  @ApiProperty({ type: String, nullable: true }) childFirstName: string | null;
  @ApiProperty({ type: String, nullable: true }) childLastName: string | null;
  @ApiProperty({ type: String, nullable: true }) notes: string | null;
  @ApiProperty({ enum: REFERRAL_STATUSES, description: '`received` until decided' }) status: ReferralStatus;
  @ApiProperty({ type: String, nullable: true, description: 'The reason given with the decision' }) reason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who decided (staff name or integration name)' }) decidedBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ReferralQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REFERRAL_STATUSES })
  @IsOptional() @EmptyMeansAbsent() @IsIn(REFERRAL_STATUSES)
  status?: ReferralStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @EmptyMeansAbsent() @IsId()
  commissionerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @EmptyMeansAbsent() @IsId()
  programmeId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @EmptyMeansAbsent() @IsId()
  participantId?: string;
}

export class ReferralPage extends PageResponse {
  @ApiProperty({ type: [ReferralResponse] }) items: ReferralResponse[];
}
