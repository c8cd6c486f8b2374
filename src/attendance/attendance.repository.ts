import type { Queryable } from '../database/sql.js';
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
  const erasedNote = erasedSql('note', ERASURE_PLAN.attendance.note);
  const [row] = await sql.query(
    `WITH participant AS (SELECT erased_at FROM participants WHERE id = $2 FOR KEY SHARE)
     INSERT INTO attendance (session_id, participant_id, status, note, recorded_at, recorded_by)
     SELECT $1, $2, $3, CASE WHEN participant.erased_at IS NULL THEN $4 ELSE ${erasedNote} END, clock_timestamp(), $5
       FROM participant
     ON CONFLICT (session_id, participant_id)
     DO UPDATE SET status = EXCLUDED.status, note = EXCLUDED.note, recorded_at = EXCLUDED.recorded_at, recorded_by = EXCLUDED.recorded_by
     RETURNING *`,
    [a.sessionId, a.participantId, a.status, a.note, a.recordedBy],
  );
  return row;
}
