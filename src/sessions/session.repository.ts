import { one } from '../database/database.repository.js';
import { type Queryable, sql } from '../database/sql.js';

/*
 * SQL over sessions beside the Session entity (SessionsService): checks other modules make, and the
 * term a session's date falls in.
 */

export async function sessionExists(db: Queryable, id: string): Promise<boolean> {
  return (await one(db, sql`SELECT 1 FROM sessions WHERE id = ${id}`)) !== undefined;
}

/** The session's date (YYYY-MM-DD), if there is such a session. */
export async function sessionDate(db: Queryable, id: string): Promise<string | undefined> {
  const row = await one<{ date: string }>(db, sql`SELECT date::text AS date FROM sessions WHERE id = ${id}`);
  return row?.date;
}

/** The term whose dates contain `date`, if any (terms never overlap: terms_no_overlap). */
export async function termContaining(db: Queryable, date: string): Promise<string | undefined> {
  const row = await one<{ id: string }>(db, sql`SELECT id FROM terms WHERE ${date}::date BETWEEN starts_on AND ends_on`);
  return row?.id;
}
