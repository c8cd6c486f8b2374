import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { type Page, paginate } from '../common/pagination.js';
import type { Actor, SystemActor } from './actor.js';
import { AuditEvent, type AuditAction, type AuditSubjectType } from './audit-event.entity.js';
import { AuditEventQuery, AuditEventResponse } from './dto/audit-event.dto.js';

/** One thing an actor did to one record. `detail` never holds a child's personal data. */
export interface AuditEntry {
  action: AuditAction;
  subjectType: AuditSubjectType;
  subjectId: string;
  participantId: string | null;
  detail?: string | null;
}

/**
 * The same insert as AuditService.record(), as a data-modifying clause over `source` (a CTE whose rows
 * have `id` and `participant_id` columns: one event per row), so that a hot path writes the event in the
 * very statement that makes the change. Its placeholders start at `$firstParam`.
 */
export function auditInsertClause(
  actor: Actor,
  action: AuditAction,
  subjectType: AuditSubjectType,
  source: string,
  firstParam: number,
): { sql: string; params: unknown[] } {
  const $ = (i: number) => `$${firstParam + i}`;
  return {
    sql: `INSERT INTO audit_events (actor_kind, actor_id, actor_name, request_id, action, subject_type, subject_id, participant_id)
          SELECT ${$(0)}, ${$(1)}::uuid, ${$(2)}, ${$(3)}, ${$(4)}, ${$(5)}, ${source}.id, ${source}.participant_id FROM ${source}`,
    params: [actor.principal.kind, actor.principal.id, actor.principal.name, actor.requestId, action, subjectType],
  };
}

/**
 * Rule 9: reading or changing special category data leaves an audit event naming who, what and when.
 * Changes are recorded with the manager of the transaction that makes them, so the change and its
 * trace commit together; reads are recorded before the data is returned, so nothing is shown untraced.
 */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(em: EntityManager, actor: Actor | SystemActor, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const who =
      'system' in actor
        ? { kind: 'system', id: null, name: actor.system, requestId: null }
        : { ...actor.principal, requestId: actor.requestId };
    await em.query(
      `INSERT INTO audit_events (actor_kind, actor_id, actor_name, request_id, action, subject_type, subject_id, participant_id, detail)
       SELECT $1, $2, $3, $4, e.action, e.subject_type, e.subject_id, e.participant_id, e.detail
         FROM unnest($5::text[], $6::text[], $7::uuid[], $8::uuid[], $9::text[])
              AS e(action, subject_type, subject_id, participant_id, detail)`,
      [
        who.kind,
        who.id,
        who.name,
        who.requestId,
        entries.map((e) => e.action),
        entries.map((e) => e.subjectType),
        entries.map((e) => e.subjectId),
        entries.map((e) => e.participantId),
        entries.map((e) => e.detail ?? null),
      ],
    );
  }

  list(query: AuditEventQuery): Promise<Page<AuditEventResponse>> {
    const qb = this.events.createQueryBuilder('event');
    if (query.subjectType) qb.andWhere('event.subjectType = :subjectType', { subjectType: query.subjectType });
    if (query.subjectId) qb.andWhere('event.subjectId = :subjectId', { subjectId: query.subjectId });
    if (query.participantId) qb.andWhere('event.participantId = :participantId', { participantId: query.participantId });
    if (query.action) qb.andWhere('event.action = :action', { action: query.action });
    if (query.actorId) qb.andWhere('event.actorId = :actorId', { actorId: query.actorId });
    return paginate(qb, query, AuditEventResponse.of);
  }
}
