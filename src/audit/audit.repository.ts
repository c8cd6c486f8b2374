import { execute } from '../database/database.repository.js';
import { type Queryable, raw, sql, type Statement } from '../database/sql.js';
import type { Actor, SystemActor } from './actor.js';
import type { AuditAction, AuditSubjectType } from './audit-event.entity.js';

/** One thing an actor did to one record. `detail` never holds a child's personal data. */
export interface AuditEntry {
  action: AuditAction;
  subjectType: AuditSubjectType;
  subjectId: string;
  participantId: string | null;
  detail?: string | null;
}

/*
 * The SQL over audit_events. Reads go through the AuditEvent entity (AuditService.list); writes are
 * these two statements, so that an event commits with the change it records.
 */

/**
 * The same insert as recordAuditEvents(), as a data-modifying clause over `source` (the name of a CTE
 * whose rows have `id` and `participant_id` columns: one event per row), so that a hot path writes the
 * event in the very statement that makes the change.
 */
export function auditInsertClause(actor: Actor, action: AuditAction, subjectType: AuditSubjectType, source: string): Statement {
  const from = raw(source);
  const { kind, id, name } = actor.principal;
  return sql`INSERT INTO audit_events (actor_kind, actor_id, actor_name, request_id, action, subject_type, subject_id, participant_id)
          SELECT ${kind}, ${id}::uuid, ${name}, ${actor.requestId}, ${action}, ${subjectType}, ${from}.id, ${from}.participant_id FROM ${from}`;
}

/** Writes one event per entry, with `db` (the manager of the transaction that makes the change). */
export async function recordAuditEvents(db: Queryable, actor: Actor | SystemActor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const who =
    'system' in actor
      ? { kind: 'system', id: null, name: actor.system, requestId: null }
      : { ...actor.principal, requestId: actor.requestId };
  await execute(
    db,
    sql`INSERT INTO audit_events (actor_kind, actor_id, actor_name, request_id, action, subject_type, subject_id, participant_id, detail)
        SELECT ${who.kind}, ${who.id}, ${who.name}, ${who.requestId}, e.action, e.subject_type, e.subject_id, e.participant_id, e.detail
          FROM unnest(${entries.map((e) => e.action)}::text[], ${entries.map((e) => e.subjectType)}::text[],
                      ${entries.map((e) => e.subjectId)}::uuid[], ${entries.map((e) => e.participantId)}::uuid[],
                      ${entries.map((e) => e.detail ?? null)}::text[])
               AS e(action, subject_type, subject_id, participant_id, detail)`,
  );
}
