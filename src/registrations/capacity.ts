import type { Queryable } from '../database/sql.js';
import { setProgrammeCapacity } from '../programmes/programme.repository.js';
import { lockTermsOfProgramme, type ProgrammeTermCount, refreshPlaces } from './programme-term.repository.js';
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
  const terms = await lockTermsOfProgramme(em, programmeId);
  for (const term of terms) assertFits(term, capacity);
  await setProgrammeCapacity(em, programmeId, capacity);
  for (const term of terms) await refreshPlaces(em, programmeId, term.termId);
  return terms.map((t) => t.termId);
}

