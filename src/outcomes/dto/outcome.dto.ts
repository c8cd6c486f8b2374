import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { EmptyMeansAbsent } from '../../common/query-params.js';
import { IsCalendarDate, IsId } from '../../common/validation.js';
import { ARTS_AWARD_LEVELS, type ArtsAwardLevel, OUTCOME_KINDS, OUTCOME_STATUSES, type OutcomeKind, type OutcomeStatus } from '../outcome-rules.js';

export class CreateOutcomeDto {
  @ApiProperty({ enum: OUTCOME_KINDS, example: 'arts_award' })
  @IsIn(OUTCOME_KINDS)
  kind: OutcomeKind;

  @ApiPropertyOptional({ enum: ARTS_AWARD_LEVELS, description: 'Required for an Arts Award (422 arts-award-needs-level); refused for any other kind' })
  @IsOptional() @IsIn(ARTS_AWARD_LEVELS)
  level?: ArtsAwardLevel;

  @ApiProperty({ enum: OUTCOME_STATUSES })
  @IsIn(OUTCOME_STATUSES)
  status: OutcomeStatus;

  @ApiPropertyOptional({ format: 'date', description: 'When achieved (default today, London); not in the future; refused with working_towards' })
  @IsOptional() @IsCalendarDate()
  achievedOn?: string;

  @ApiPropertyOptional({ example: 'Bronze Arts Award portfolio moderated', description: 'What was achieved (never in a monitoring return)' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The programme it came from. Without it, GET /outcomes?programmeId= finds the outcome through the participant\'s places',
  })
  @IsOptional() @IsId()
  programmeId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The term it came from. Without it, the term whose dates contain achievedOn (or the day it was recorded)' })
  @IsOptional() @IsId()
  termId?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 50, description: 'Case notes of the same participant that evidence it (422 evidence-not-of-participant otherwise)' })
  @IsOptional() @IsArray() @ArrayUnique() @ArrayMaxSize(50) @IsId({ each: true })
  evidenceNoteIds?: string[];
}

export class OutcomeResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ enum: OUTCOME_KINDS }) kind: OutcomeKind;
  @ApiProperty({ enum: ARTS_AWARD_LEVELS, nullable: true }) level: ArtsAwardLevel | null;
  @ApiProperty({ enum: OUTCOME_STATUSES }) status: OutcomeStatus;
  @ApiProperty({ type: String, format: 'date', nullable: true }) achievedOn: string | null;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) programmeId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) termId: string | null;
  @ApiProperty({ type: [String], format: 'uuid' }) evidenceNoteIds: string[];
  @ApiProperty({ format: 'date', description: 'The day it was recorded (London)' }) recordedOn: string;
  @ApiProperty({ description: 'Who recorded it' }) recordedBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class OutcomeQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "The programme: outcomes recorded for it, or of participants who held a place on it (in termId when given)" })
  @IsOptional() @EmptyMeansAbsent() @IsId()
  programmeId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The term: outcomes recorded for it, or dated (achievedOn, else recordedOn) within its dates' })
  @IsOptional() @EmptyMeansAbsent() @IsId()
  termId?: string;

  @ApiPropertyOptional({ enum: OUTCOME_KINDS })
  @IsOptional() @EmptyMeansAbsent() @IsIn(OUTCOME_KINDS)
  kind?: OutcomeKind;

  @ApiPropertyOptional({ enum: OUTCOME_STATUSES })
  @IsOptional() @EmptyMeansAbsent() @IsIn(OUTCOME_STATUSES)
  status?: OutcomeStatus;
}

export class OutcomePage extends PageResponse {
  @ApiProperty({ type: [OutcomeResponse] }) items: OutcomeResponse[];
}
