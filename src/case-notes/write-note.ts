import type { Actor } from '../audit/actor.js';
import { auditInsertClause } from '../audit/audit.repository.js';
import { bind, sql } from '../database/sql.js';
import { alertOutboxClause } from '../safeguarding-alerts/safeguarding-alert.repository.js';
import type { CaseNote } from './case-note.entity.js';
import { claimKeyClause } from './idempotency-key.repository.js';
import type { IdempotentRequest, StoredResponse } from './idempotency.js';

/** What one note-writing statement needs besides the note. */
export interface NoteWriting {
  note: CaseNote;
  body: string;
  actor: Actor;
  /** The Idempotency-Key to take, with the response to store under it. */
  idempotency?: { request: Pick<IdempotentRequest, 'key' | 'fingerprint'>; response: StoredResponse };
  /** Whether to write a safeguarding alert's outbox row. */
  alert: boolean;
}

/**
 * The one statement that writes a case note — atomic as any transaction, and one round trip on the
 * integrations' hot path. In order:
 *
 * 1. `participant`: the participant, key-share locked (erasure's FOR UPDATE waits for it, so no note is
 *    written beside or after an erasure), and whether the session (if any) is one of a programme-term
 *    on which the participant took a place;
 * 2. `allowed`: one row when the participant exists, is not erased, and the session is acceptable;
 * 3. `claim` (rule 8, idempotency.ts, idempotency-key.repository.ts): takes the Idempotency-Key, storing the response. Of concurrent
 *    statements with one key the primary key lets one insert; the others wait for it to commit and
 *    insert nothing;
 * 4. `note`, `first_version`, `created` (its audit event, rule 9, audit.repository.ts), `alert` (its
 *    safeguarding alert's outbox row, safeguarding-alert.repository.ts): written only when allowed and
 *    (without a key, or) the key was taken.
 *
 * It answers one row when the participant exists: what the checks found, `written` (1 or 0), `alert_id`.
 * Parameters are named where they are used (sql.ts); those used twice are bound once. The case note
 * repository runs it (case-note.repository.ts); test/bench/case-notes.ts runs the same text straight
 * through pg as the baseline of the benchmark. It is kept prepared under `prepared` (Statement.prepared()):
 * its few forms (with or without a key, an alert) are parsed and planned once per pooled connection.
 */
export function writeNoteStatement({ note, body, actor, idempotency, alert: raiseAlert }: NoteWriting): { sql: string; params: unknown[]; prepared: string } {
  const claim = claimKeyClause(actor.principal, idempotency?.request, idempotency?.response, 'allowed');
  const audit = auditInsertClause(actor, 'create', 'case_note', 'note');
  const alert = alertOutboxClause(raiseAlert, 'note');
  const participantId = bind(note.participantId);
  const sessionId = bind(note.sessionId);
  const authorKind = bind(note.authorKind);
  const authorId = bind(note.authorId);
  const authorName = bind(note.authorName);
  const reportedAuthorName = bind(note.reportedAuthorName);
  const createdAt = bind(note.createdAt);
  const statement = sql`WITH participant AS (
            SELECT p.erased_at,
                   (SELECT EXISTS (SELECT 1 FROM registrations r
                                    WHERE r.participant_id = p.id AND r.programme_id = s.programme_id AND r.term_id = s.term_id
                                      AND r.registered_on IS NOT NULL)
                      FROM sessions s WHERE s.id = ${sessionId}) AS session_registered
              FROM participants p WHERE p.id = ${participantId}
               FOR KEY SHARE OF p
          ), allowed AS (
            SELECT 1 FROM participant WHERE erased_at IS NULL AND (${sessionId}::uuid IS NULL OR session_registered)
          ), claim AS (
            ${claim}
          ), note AS (
            INSERT INTO case_notes (id, participant_id, category, occurred_at, session_id, author_kind, author_id, author_name,
                                    reported_author_name, created_at, updated_at)
            SELECT ${note.id}, ${participantId}, ${note.category}, ${note.occurredAt}, ${sessionId}, ${authorKind}, ${authorId},
                   ${authorName}, ${reportedAuthorName}, ${createdAt}, ${createdAt} FROM allowed
             WHERE ${idempotency ? sql`EXISTS (SELECT 1 FROM claim)` : sql`true`}
            RETURNING id, participant_id
          ), first_version AS (
            INSERT INTO case_note_versions (case_note_id, version, body, author_kind, author_id, author_name, reported_author_name, created_at)
            SELECT id, 1, ${body}, ${authorKind}, ${authorId}, ${authorName}, ${reportedAuthorName}, ${createdAt} FROM note
          ), created AS (
            ${audit}
          ), alert AS (
            ${alert}
          )
          SELECT participant.erased_at, participant.session_registered,
                 (SELECT count(*) FROM note)::int AS written, (SELECT id FROM alert) AS alert_id
            FROM participant`;
  const { text, params } = statement.compile();
  return { sql: text, params, prepared: 'case-note-write' };
}
