import { todayInLondon } from '../common/london-calendar.js';
import type { Sql } from '../database/sql.js';

/**
 * The waitlist is first come, first served: a freed place goes, in the same transaction, to the
 * earliest waitlisted registration whose budget can still pay; one whose budget no longer suffices is
 * passed over and stays waitlisted. Positions are derived (1..n by queue order), so they have no gaps.
 *
 * Called with the programme-term row locked (lockProgrammeTerm). Each statement promotes at most one
 * registration: it picks the earliest payable one (locking it and its budget), commits the price, and
 * takes the place on the programme-term and its sessions. Returns the promoted registration ids.
 */
export async function promoteFromWaitlist(em: Sql, programmeId: string, termId: string): Promise<string[]> {
  const promoted: string[] = [];
  const today = todayInLondon();
  for (;;) {
    const [row] = await em.query(
      `WITH candidate AS (
         SELECT r.id, r.budget_id, r.price_pence
           FROM registrations r JOIN personal_budgets b ON b.id = r.budget_id
          WHERE r.programme_id = $1 AND r.term_id = $2 AND r.status = 'waitlisted'
            AND b.amount_pence - b.committed_pence >= r.price_pence
            AND (SELECT places - registered FROM programme_terms WHERE programme_id = $1 AND term_id = $2) > 0
          ORDER BY r.queue_seq
          LIMIT 1
          FOR UPDATE OF r, b),
       committed AS (
         UPDATE personal_budgets b SET committed_pence = b.committed_pence + c.price_pence, updated_at = now()
           FROM candidate c
          WHERE b.id = c.budget_id AND b.amount_pence - b.committed_pence >= c.price_pence
          RETURNING b.id),
       promoted AS (
         UPDATE registrations r SET status = 'registered', registered_on = $3, committed_pence = r.price_pence, updated_at = now()
           FROM candidate c
          WHERE r.id = c.id AND EXISTS (SELECT 1 FROM committed)
          RETURNING r.id),
       place AS (
         UPDATE programme_terms SET registered = registered + 1
          WHERE programme_id = $1 AND term_id = $2 AND EXISTS (SELECT 1 FROM committed)),
       booked AS (
         UPDATE sessions SET booked = booked + 1
          WHERE programme_id = $1 AND term_id = $2 AND EXISTS (SELECT 1 FROM committed))
       SELECT (SELECT id FROM candidate) AS candidate, (SELECT id FROM promoted) AS promoted`,
      [programmeId, termId, today],
    );
    if (!row.candidate) return promoted; // no free place, or nobody waiting who can pay
    if (row.promoted) promoted.push(row.promoted);
  }
}
