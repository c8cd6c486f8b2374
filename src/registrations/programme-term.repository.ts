import { execute, one, rows } from '../database/database.repository.js';
import { type Queryable, sql } from '../database/sql.js';

/*
 * The SQL of programme_terms (a programme's places in a term and how many are taken: rule 1,
 * capacity.ts), with the database functions that own it (lock_programme_term, programme_term_places:
 * migrations/1764210000000-RegistrationStatements.ts and 1764320000000-RegistrationLockOrder.ts).
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
export async function lockProgrammeTerm(db: Queryable, programmeId: string, termId: string): Promise<ProgrammeTermCount> {
  const row = await one<ProgrammeTermCount>(db, sql`SELECT places, registered FROM lock_programme_term(${programmeId}, ${termId})`);
  return row!;
}

/** Recomputes a locked programme-term's places after a session or programme capacity changed. */
export async function refreshPlaces(db: Queryable, programmeId: string, termId: string): Promise<void> {
  await execute(
    db,
    sql`UPDATE programme_terms SET places = programme_term_places(programme_id, term_id)
         WHERE programme_id = ${programmeId} AND term_id = ${termId}`,
  );
}

/** Every term of the programme with its count, locked FOR UPDATE in term order. */
export async function lockTermsOfProgramme(db: Queryable, programmeId: string): Promise<Array<ProgrammeTermCount & { termId: string }>> {
  const found = await rows<{ term_id: string; registered: number; places: number }>(
    db,
    sql`SELECT term_id, registered, places FROM programme_terms WHERE programme_id = ${programmeId} ORDER BY term_id FOR UPDATE`,
  );
  return found.map((r) => ({ termId: r.term_id, registered: r.registered, places: r.places }));
}
