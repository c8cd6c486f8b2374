import { affected, execute, one, rows } from '../database/database.repository.js';
import { type Queryable, raw, sql } from '../database/sql.js';
import { ERASED_TEXT, erasureSetClause } from './anonymisation.js';
import type { AttendanceExport, RegistrationExport } from './dto/data-protection.dto.js';
import { LAST_ACTIVITY_SQL } from './retention.js';

/*
 * The statements of erasure, retention and subject access that the entities do not cover: erasure
 * rewrites personal fields across several tables (anonymisation.ts says which and how), retention
 * selects by last activity (retention.ts), an export reads registrations and attendance flat.
 */

const lastActivity = raw(LAST_ACTIVITY_SQL);

/** Locks the participant FOR UPDATE (erasure's first step); when they were erased, if they were; undefined if there is no such participant. */
export async function lockParticipantForErasure(db: Queryable, id: string): Promise<{ erasedAt: Date | null } | undefined> {
  const row = await one<{ erased_at: Date | null }>(db, sql`SELECT erased_at FROM participants WHERE id = ${id} FOR UPDATE`);
  return row && { erasedAt: row.erased_at };
}

/** Participants not erased whose last activity was before `cutoff`, by id. */
export async function inactiveParticipants(db: Queryable, cutoff: string): Promise<string[]> {
  const found = await rows<{ id: string }>(
    db,
    sql`SELECT p.id FROM participants p WHERE p.erased_at IS NULL AND ${lastActivity} < ${cutoff}::date ORDER BY p.id`,
  );
  return found.map((r) => r.id);
}

/** Locks the participant FOR UPDATE if they are still not erased and inactive since before `cutoff`. */
export async function lockIfStillInactive(db: Queryable, id: string, cutoff: string): Promise<boolean> {
  const row = await one(
    db,
    sql`SELECT p.id FROM participants p WHERE p.id = ${id} AND p.erased_at IS NULL AND ${lastActivity} < ${cutoff}::date FOR UPDATE`,
  );
  return row !== undefined;
}

/** Marks the participant erased and anonymises their fields; when. */
export async function eraseParticipantFields(db: Queryable, id: string): Promise<Date> {
  const row = await one<{ erased_at: Date }>(
    db,
    sql`UPDATE participants SET ${raw(erasureSetClause('participants'))}, erased_at = now(), updated_at = now()
         WHERE id = ${id} RETURNING erased_at`,
  );
  return row!.erased_at;
}

/** Anonymises the holders of the participant's budgets; how many budgets. */
export function eraseBudgetHolders(db: Queryable, participantId: string): Promise<number> {
  return affected(
    db,
    sql`UPDATE personal_budgets SET ${raw(erasureSetClause('personal_budgets'))}
         WHERE participant_id = ${participantId} AND (holder_name IS NOT NULL OR holder_email IS NOT NULL OR holder_address IS NOT NULL)`,
  );
}

/** Anonymises the participant's case notes and every version of them; how many of each. */
export async function eraseCaseNotes(db: Queryable, participantId: string): Promise<{ caseNotes: number; caseNoteVersions: number }> {
  const caseNotes = await affected(db, sql`UPDATE case_notes SET ${raw(erasureSetClause('case_notes'))} WHERE participant_id = ${participantId}`);
  const caseNoteVersions = await affected(
    db,
    sql`UPDATE case_note_versions SET ${raw(erasureSetClause('case_note_versions'))}
         WHERE case_note_id IN (SELECT id FROM case_notes WHERE participant_id = ${participantId})`,
  );
  return { caseNotes, caseNoteVersions };
}

/** Anonymises what the participant's referrals say about them (names given before they were a participant, notes, reasons). */
export async function eraseReferralsOf(db: Queryable, participantId: string): Promise<void> {
  await execute(db, sql`UPDATE referrals SET ${raw(erasureSetClause('referrals'))} WHERE participant_id = ${participantId}`);
}

/** Anonymises the descriptions of the participant's outcomes (kind, level, status and dates stay). */
export async function eraseOutcomesOf(db: Queryable, participantId: string): Promise<void> {
  await execute(db, sql`UPDATE outcomes SET ${raw(erasureSetClause('outcomes'))} WHERE participant_id = ${participantId}`);
}

/** Anonymises the notes of the participant's attendance records; how many. */
export function eraseAttendanceNotes(db: Queryable, participantId: string): Promise<number> {
  return affected(db, sql`UPDATE attendance SET ${raw(erasureSetClause('attendance'))} WHERE participant_id = ${participantId} AND note IS NOT NULL`);
}

/** Erases who gave each of the participant's consents. */
export async function eraseConsentGivers(db: Queryable, participantId: string): Promise<void> {
  await execute(db, sql`UPDATE consents SET ${raw(erasureSetClause('consents'))} WHERE participant_id = ${participantId}`);
}

/** Stored idempotent responses repeat note bodies: a replay after erasure answers the erased note. */
export async function eraseStoredResponses(db: Queryable, participantId: string): Promise<void> {
  await execute(
    db,
    sql`UPDATE idempotency_keys SET response_body = response_body || jsonb_build_object('body', ${ERASED_TEXT}::text, 'authorName', NULL)
         WHERE response_body @> jsonb_build_object('participantId', ${participantId}::text)`,
  );
}

interface RegistrationExportRow {
  id: string;
  programme_id: string;
  term_id: string;
  budget_id: string;
  contract_id: string;
  status: string;
  price_pence: number;
  registered_on: string | null;
  withdrawn_at: Date | null;
  withdrawal_effective_on: string | null;
  withdrawal_reason: string | null;
  created_at: Date;
}

const toRegistrationExport = (r: RegistrationExportRow): RegistrationExport => ({
  id: r.id,
  programmeId: r.programme_id,
  termId: r.term_id,
  budgetId: r.budget_id,
  contractId: r.contract_id,
  status: r.status,
  pricePence: r.price_pence,
  registeredOn: r.registered_on,
  withdrawnAt: r.withdrawn_at?.toISOString() ?? null,
  withdrawalEffectiveOn: r.withdrawal_effective_on,
  withdrawalReason: r.withdrawal_reason,
  createdAt: r.created_at.toISOString(),
});

export async function registrationsForExport(db: Queryable, participantId: string): Promise<RegistrationExport[]> {
  const found = await rows<RegistrationExportRow>(
    db,
    sql`SELECT id, programme_id, term_id, budget_id, contract_id, status, price_pence, registered_on, withdrawn_at,
               withdrawal_effective_on, withdrawal_reason, created_at
          FROM registrations WHERE participant_id = ${participantId} ORDER BY created_at, id`,
  );
  return found.map(toRegistrationExport);
}

interface AttendanceExportRow {
  session_id: string;
  programme_id: string;
  date: string;
  status: string;
  note: string | null;
  recorded_at: Date;
  recorded_by: string;
}

const toAttendanceExport = (r: AttendanceExportRow): AttendanceExport => ({
  sessionId: r.session_id,
  programmeId: r.programme_id,
  date: r.date,
  status: r.status,
  note: r.note,
  recordedAt: r.recorded_at.toISOString(),
  recordedBy: r.recorded_by,
});

export async function attendanceForExport(db: Queryable, participantId: string): Promise<AttendanceExport[]> {
  const found = await rows<AttendanceExportRow>(
    db,
    sql`SELECT a.session_id, s.programme_id, s.date, a.status, a.note, a.recorded_at, a.recorded_by
          FROM attendance a JOIN sessions s ON s.id = a.session_id
         WHERE a.participant_id = ${participantId} ORDER BY s.date, a.session_id`,
  );
  return found.map(toAttendanceExport);
}
