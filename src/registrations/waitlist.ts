import { todayInLondon } from '../common/london-calendar.js';
import type { Queryable } from '../database/sql.js';

/**
 * The waitlist is first come, first served: a freed place goes, in the same transaction, to the
 * earliest waitlisted registration whose budget can still pay; one whose budget no longer suffices is
 * passed over and stays waitlisted. Positions are derived (1..n by queue order), so they have no gaps.
 *
 * The work is the database function promote_from_waitlist (migrations/1764320000000-RegistrationLockOrder.ts):
 * one registration at a time, while places are free, it picks the earliest one that can pay, locks its
 * participant, the registration and its budget (in the lock order), commits the price, and takes the
 * place on the programme-term and its sessions. It never promotes an erased participant, nor into a term
 * that has ended (the place would be dated after the term and its price committed for nothing billed).
 * Call it with the programme-term row locked (lockProgrammeTerm). Returns how many were promoted.
 */
export async function promoteFromWaitlist(em: Queryable, programmeId: string, termId: string): Promise<number> {
  const [row] = await em.query(`SELECT promote_from_waitlist($1, $2, $3) AS promoted`, [programmeId, termId, todayInLondon()]);
  return row.promoted;
}
