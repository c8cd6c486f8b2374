import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { EmptyMeansAbsent } from '../../common/query-params.js';
import { IsId } from '../../common/validation.js';
import {
  ACTOR_KINDS,
  AUDIT_ACTIONS,
  AUDIT_SUBJECT_TYPES,
  type ActorKind,
  type AuditAction,
  AuditEvent,
  type AuditSubjectType,
} from '../audit-event.entity.js';

export class AuditEventQuery extends PageQuery {
  @ApiPropertyOptional({ enum: AUDIT_SUBJECT_TYPES, description: 'case_note, or participant (exports, erasures and medical-notes reads)' })
  @IsOptional() @EmptyMeansAbsent() @IsIn(AUDIT_SUBJECT_TYPES)
  subjectType?: AuditSubjectType;

  @ApiPropertyOptional({ format: 'uuid', description: 'The case note or participant the event is about' })
  @IsOptional() @EmptyMeansAbsent() @IsId()
  subjectId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Every event about one child: reads and changes of their notes, medical notes, exports, erasure' })
  @IsOptional() @EmptyMeansAbsent() @IsId()
  participantId?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional() @EmptyMeansAbsent() @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @ApiPropertyOptional({ format: 'uuid', description: 'The user or integration that acted' })
  @IsOptional() @EmptyMeansAbsent() @IsId()
  actorId?: string;
}

export class AuditActorResponse {
  @ApiProperty({ enum: ACTOR_KINDS, description: 'system for the retention job' }) kind: ActorKind;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'The user or integration id; null for the system' }) id: string | null;
  @ApiProperty({ description: 'Its name at the time' }) name: string;
}

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time', description: 'When it happened (UTC)' }) occurredAt: string;
  @ApiProperty({ type: AuditActorResponse, description: 'Who' }) actor: AuditActorResponse;
  @ApiProperty({ enum: AUDIT_ACTIONS, description: 'What they did' }) action: AuditAction;
  @ApiProperty({ enum: AUDIT_SUBJECT_TYPES }) subjectType: AuditSubjectType;
  @ApiProperty({ format: 'uuid', description: 'To what: the case note or participant id' }) subjectId: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'The child the event is about' }) participantId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'How: list, by-id, versions, medical-notes, version 2, the erasure reason, ...' })
  detail: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The X-Request-Id of the request (null for scheduled jobs)' })
  requestId: string | null;

  static of(e: AuditEvent): AuditEventResponse {
    return {
      id: e.id,
      occurredAt: e.occurredAt.toISOString(),
      actor: { kind: e.actorKind, id: e.actorId, name: e.actorName },
      action: e.action,
      subjectType: e.subjectType,
      subjectId: e.subjectId,
      participantId: e.participantId,
      detail: e.detail,
      requestId: e.requestId,
    };
  }
}

export class AuditEventPage extends PageResponse {
  @ApiProperty({ type: [AuditEventResponse] }) items: AuditEventResponse[];
}
