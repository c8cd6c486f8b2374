import { attendanceRate, attendanceSummary, type HeldSession, unexplainedAbsenceStreak } from './attendance-summary.js';

const held = (...statuses: Array<HeldSession['status']>): HeldSession[] =>
  statuses.map((status, i) => ({ sessionId: `s${i}`, date: `2026-09-${String(5 + 7 * i).padStart(2, '0')}`, startTime: '10:00', status }));

describe('attendance summary', () => {
  it('counts each status over held sessions, unrecorded apart; rate = (present + late) ÷ held', () => {
    expect(attendanceSummary(held('present', 'late', 'absent', 'excused', null))).toEqual({
      sessionsHeld: 5,
      present: 1,
      late: 1,
      absent: 1,
      excused: 1,
      unrecorded: 1,
      attendanceRate: 40,
      unexplainedAbsenceStreak: 1,
      flagged: false,
    });
  });

  it('gives the rate as a whole percentage rounded half up, and none when nothing was held', () => {
    expect(attendanceRate(2, 3)).toBe(67);
    expect(attendanceRate(1, 3)).toBe(33);
    expect(attendanceRate(1, 8)).toBe(13); // 12.5
    expect(attendanceRate(3, 3)).toBe(100);
    expect(attendanceRate(0, 5)).toBe(0);
    expect(attendanceRate(0, 0)).toBeNull();
    expect(attendanceSummary([])).toMatchObject({ sessionsHeld: 0, attendanceRate: null, unexplainedAbsenceStreak: 0, flagged: false });
  });

  it('the streak is the current run, latest first, of absent or unrecorded; present, late or excused ends it', () => {
    expect(unexplainedAbsenceStreak(held('present', 'absent', null))).toBe(2);
    expect(unexplainedAbsenceStreak(held('absent', 'absent', 'present'))).toBe(0);
    expect(unexplainedAbsenceStreak(held('absent', 'excused', 'absent'))).toBe(1);
    expect(unexplainedAbsenceStreak(held('absent', 'late', 'absent', 'absent'))).toBe(2);
    expect(unexplainedAbsenceStreak(held(null, null, null))).toBe(3);
    expect(attendanceSummary(held('present', 'absent', 'absent')).flagged).toBe(true);
    expect(attendanceSummary(held('present', 'present', 'absent')).flagged).toBe(false);
  });

  it('orders by date then start time, whatever order it is given', () => {
    const sameDay: HeldSession[] = [
      { sessionId: 'pm', date: '2026-09-05', startTime: '14:00', status: 'absent' },
      { sessionId: 'am', date: '2026-09-05', startTime: '10:00', status: 'present' },
      { sessionId: 'later', date: '2026-09-12', startTime: '10:00', status: null },
    ];
    expect(unexplainedAbsenceStreak(sameDay)).toBe(2);
    expect(unexplainedAbsenceStreak([...sameDay].reverse())).toBe(2);
  });
});
