import type { Queryable } from '../database/sql.js';
import { invalidField, ruleBrokenOn } from '../common/problem.js';
import { ProblemCode } from '../common/problem-codes.js';

/*
 * Rule 1: no session ever holds more registered participants than its capacity.
 *
 * A registration takes a place on every session of its programme in its term, so a programme-term's
 * places = min(programme capacity, capacity of each of its sessions): the database function
 * programme_term_places (migrations/1764210000000-RegistrationStatements.ts). The `programme_terms` row
 * owns the count: everything that registers, withdraws or changes a session locks the programme row
 * (FOR KEY SHARE) and then that row; a programme capacity change locks the programme row FOR UPDATE and
 * then all its programme_terms rows — the lock order of migrations/1764320000000-RegistrationLockOrder.ts.
 * CHECK constraints (programme_terms.registered <= places, sessions.booked <= capacity) are the backstop.
 */

export interface ProgrammeTermCount {
  places: number;
  registered: number;
}

/**
 * Locks the programme row (FOR KEY SHARE) and then the programme-term's row (creating it on first use,
 * with places computed after the programme lock) until the transaction ends, in one statement (the
 * database function lock_programme_term), and returns its count.
 */
export async function lockProgrammeTerm(em: Queryable, programmeId: string, termId: string): Promise<ProgrammeTermCount> {
  const [row] = await em.query(`SELECT places, registered FROM lock_programme_term($1, $2)`, [programmeId, termId]);
  return row;
}

/** Recomputes a locked programme-term's places after a session or programme capacity changed. */
export async function refreshPlaces(em: Queryable, programmeId: string, termId: string): Promise<void> {
  await em.query(
    `UPDATE programme_terms SET places = programme_term_places(programme_id, term_id)
      WHERE programme_id = $1 AND term_id = $2`,
    [programmeId, termId],
  );
}

/** A programme or session capacity must lie in 1..SESSION_CAPACITY_LIMIT (400 naming the field otherwise). */
export function assertWithinCapacityLimit(capacity: number, limit: number): void {
  if (capacity < 1 || capacity > limit) throw invalidField('capacity', `must be between 1 and ${limit}`);
}

/** Refuses a capacity that would leave more registered participants than places. */
export function assertFits(count: ProgrammeTermCount, capacity: number, field = 'capacity'): void {
  if (capacity < count.registered) {
    throw ruleBrokenOn(
      ProblemCode.CapacityBelowRegistered,
      field,
      `${count.registered} participants are registered for this term; capacity ${capacity} would not fit them`,
    );
  }
}

/**
 * Changes a programme's capacity: every term of the programme is locked (in term_id order) and checked,
 * then their places are recomputed. Called with the programme row already locked FOR UPDATE, so no
 * registration, withdrawal or session change of the programme is under way, and none can create a
 * programme-term row until this transaction ends. Returns the terms touched.
 */
export async function changeProgrammeCapacity(em: Queryable, programmeId: string, capacity: number): Promise<string[]> {
  const terms: Array<{ term_id: string; registered: number; places: number }> = await em.query(
    `SELECT term_id, registered, places FROM programme_terms WHERE programme_id = $1 ORDER BY term_id FOR UPDATE`,
    [programmeId],
  );
  for (const term of terms) assertFits(term, capacity);
  await em.query(`UPDATE programmes SET capacity = $2 WHERE id = $1`, [programmeId, capacity]);
  for (const term of terms) await refreshPlaces(em, programmeId, term.term_id);
  return terms.map((t) => t.term_id);
}

