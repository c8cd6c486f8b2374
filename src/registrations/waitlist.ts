import type { Sql } from '../database/sql.js';
import { todayInLondon } from '../common/london-calendar.js';
import { commitPrice } from './budget-commitment.js';
import { takePlace } from './capacity.js';

/**
 * The waitlist is first come, first served: a freed place goes, in the same transaction, to the
 * earliest waitlisted registration whose budget can still pay; one whose budget no longer suffices is
 * passed over and stays waitlisted. Positions are derived (1..n by queue order), so they have no gaps.
 *
 * Called with the programme-term row locked (lockProgrammeTerm). Returns the promoted registration ids.
 */
export async function promoteFromWaitlist(em: Sql, programmeId: string, termId: string): Promise<string[]> {
  const [{ free }] = await em.query(
    `SELECT places - registered AS free FROM programme_terms WHERE programme_id = $1 AND term_id = $2`,
    [programmeId, termId],
  );
  if (free <= 0) return [];
  const waiting: Array<{ id: string; budget_id: string; price_pence: number }> = await em.query(
    `SELECT id, budget_id, price_pence FROM registrations
      WHERE programme_id = $1 AND term_id = $2 AND status = 'waitlisted'
      ORDER BY queue_seq`,
    [programmeId, termId],
  );
  const promoted: string[] = [];
  const today = todayInLondon();
  for (const candidate of waiting) {
    if (promoted.length >= free) break;
    if (!(await commitPrice(em, candidate.budget_id, candidate.price_pence))) continue;
    await em.query(
      `UPDATE registrations SET status = 'registered', registered_on = $2, committed_pence = price_pence, updated_at = now()
        WHERE id = $1`,
      [candidate.id, today],
    );
    await takePlace(em, programmeId, termId);
    promoted.push(candidate.id);
  }
  return promoted;
}
