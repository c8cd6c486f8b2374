import { one, rows } from '../database/database.repository.js';
import { bind, type Queryable, raw, sql as statement } from '../database/sql.js';
import type { RosterEntryResponse } from './dto/attendance.dto.js';
import { ERASURE_PLAN, erasedSql } from '../data-protection/anonymisation.js';

export interface AttendanceRow {
  session_id: string;
  participant_id: string;
  status: 'present' | 'absent' | 'late' | 'excused';
  note: string | null;
  recorded_at: Date;
  recorded_by: string;
}

/**
 * Records (or replaces) a participant's attendance at a session, in one statement. The participant row
 * is key-share locked first, as every writer of a participant's rows does (the lock order of
 * migrations/1764320000000-RegistrationLockOrder.ts), and a participant erased before or while this runs
 * gets no note: erasure holds the row FOR UPDATE, so either it waits for this write and erases the note
 * itself, or this write waits for it and sees `erased_at`.
 */
export async function recordAttendance(
  sql: Queryable,
  a: { sessionId: string; participantId: string; status: AttendanceRow['status']; note: string | null; recordedBy: string },
): Promise<AttendanceRow> {
  const erasedNote = raw(erasedSql('note', ERASURE_PLAN.attendance.note));
  const participantId = bind(a.participantId);
  const row = await one<AttendanceRow>(
    sql,
    statement`WITH participant AS (SELECT erased_at FROM participants WHERE id = ${participantId} FOR KEY SHARE)
              INSERT INTO attendance (session_id, participant_id, status, note, recorded_at, recorded_by)
              SELECT ${a.sessionId}, ${participantId}, ${a.status}, CASE WHEN participant.erased_at IS NULL THEN ${a.note} ELSE ${erasedNote} END,
                     clock_timestamp(), ${a.recordedBy}
                FROM participant
              ON CONFLICT (session_id, participant_id)
              DO UPDATE SET status = EXCLUDED.status, note = EXCLUDED.note, recorded_at = EXCLUDED.recorded_at, recorded_by = EXCLUDED.recorded_by
              RETURNING *`,
  );
  return row!;
}

/** Whether the participant holds a place for the session's programme and term on its date. */
export async function isRegisteredForSession(db: Queryable, sessionId: string, participantId: string): Promise<boolean> {
  const row = await one(
    db,
    statement`SELECT 1 FROM sessions s JOIN registrations r ON r.programme_id = s.programme_id AND r.term_id = s.term_id
               WHERE s.id = ${sessionId} AND r.participant_id = ${participantId}
                 AND (r.status = 'registered' OR (r.status = 'withdrawn' AND r.registered_on IS NOT NULL AND r.withdrawal_effective_on > s.date))
               LIMIT 1`,
  );
  return row !== undefined;
}

/** The session's attendance records, by participant. */
export function attendanceOfSession(db: Queryable, sessionId: string): Promise<AttendanceRow[]> {
  return rows<AttendanceRow>(db, statement`SELECT * FROM attendance WHERE session_id = ${sessionId} ORDER BY participant_id`);
}

interface RosterRow {
  participant_id: string;
  registration_id: string;
  first_name: string;
  last_name: string;
  needs: RosterEntryResponse['needs'];
  attendance: RosterEntryResponse['attendance'];
}

/** A roster entry without its consents (the service adds those, on the session's date). */
export type RosterEntry = Omit<RosterEntryResponse, 'consents'>;

const toRosterEntry = (r: RosterRow): RosterEntry => ({
  participantId: r.participant_id,
  registrationId: r.registration_id,
  firstName: r.first_name,
  lastName: r.last_name,
  needs: r.needs,
  attendance: r.attendance,
});

/** The participants registered for the session's programme and term, with their attendance, by participant. */
export async function rosterOfSession(db: Queryable, sessionId: string): Promise<RosterEntry[]> {
  const found = await rows<RosterRow>(
    db,
    statement`SELECT p.id AS participant_id, r.id AS registration_id, p.first_name, p.last_name, p.needs, a.status AS attendance
                FROM sessions s
                JOIN registrations r ON r.programme_id = s.programme_id AND r.term_id = s.term_id AND r.status = 'registered'
                JOIN participants p ON p.id = r.participant_id
                LEFT JOIN attendance a ON a.session_id = s.id AND a.participant_id = p.id
               WHERE s.id = ${sessionId}
               ORDER BY p.id`,
  );
  return found.map(toRosterEntry);
}
