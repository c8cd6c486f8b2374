import type { AttendanceStatus } from '../attendance/dto/attendance.dto.js';

/**
 * The rules of attendance evidence (API.md v1.1, "Session cancellation and attendance evidence"), with
 * their precise definitions:
 *
 * - A session is **held** for a participant when it is scheduled (not cancelled), dated on or before
 *   the day the summary is asked for (London), and their place covered it: registered on or before its
 *   date, and not withdrawn with an effective date on or before it (the cover rule of direct payments).
 *   Sessions before a late joiner arrived, or after a withdrawal took effect, are not theirs to attend.
 * - **present / late / absent / excused** count the attendance recorded on those held sessions;
 *   **unrecorded** the held sessions with no record.
 * - **attendanceRate** = (present + late) ÷ held as a whole percentage, 0 to 100, rounded half up (2 of
 *   3 is 67); null when nothing was held. An integer like every count and rate of this API.
 * - **unexplainedAbsenceStreak**: the current run of consecutive held sessions, from the latest back,
 *   each marked absent or with no record at all; it stops at the first present, late or excused.
 *   **flagged** when it is 2 or more.
 */
export const STREAK_FLAG = 2;

export interface HeldSession {
  sessionId: string;
  date: string;
  /** Its start, so two sessions on one day keep their order. */
  startTime: string;
  status: AttendanceStatus | null;
}

export interface AttendanceCounts {
  sessionsHeld: number;
  present: number;
  late: number;
  absent: number;
  excused: number;
  unrecorded: number;
  attendanceRate: number | null;
}

export interface AttendanceSummary extends AttendanceCounts {
  unexplainedAbsenceStreak: number;
  flagged: boolean;
}

/** The counts and rate over held sessions (any order). */
export function attendanceCounts(held: readonly HeldSession[]): AttendanceCounts {
  const counts = { present: 0, late: 0, absent: 0, excused: 0, unrecorded: 0 };
  for (const s of held) counts[s.status ?? 'unrecorded'] += 1;
  return { sessionsHeld: held.length, ...counts, attendanceRate: attendanceRate(counts.present + counts.late, held.length) };
}

/** (present + late) ÷ held as a whole percentage, rounded half up in integers; null when nothing was held. */
export function attendanceRate(attended: number, held: number): number | null {
  if (held === 0) return null;
  return Math.floor((attended * 200 + held) / (2 * held));
}

/** Consecutive held sessions, latest first, absent or unrecorded; the first present, late or excused ends it. */
export function unexplainedAbsenceStreak(held: readonly HeldSession[]): number {
  const latestFirst = [...held].sort((a, b) => (a.date === b.date ? b.startTime.localeCompare(a.startTime) : b.date.localeCompare(a.date)));
  let streak = 0;
  for (const s of latestFirst) {
    if (s.status !== null && s.status !== 'absent') break;
    streak += 1;
  }
  return streak;
}

export function attendanceSummary(held: readonly HeldSession[]): AttendanceSummary {
  const streak = unexplainedAbsenceStreak(held);
  return { ...attendanceCounts(held), unexplainedAbsenceStreak: streak, flagged: streak >= STREAK_FLAG };
}
