import { one, rows } from '../database/database.repository.js';
import { type Queryable, sql } from '../database/sql.js';

/*
 * SQL over commissioners beside the Commissioner entity (CommissionersService): the checks and the lock
 * other modules take on a commissioner.
 */

export async function commissionerExists(db: Queryable, id: string): Promise<boolean> {
  return (await one(db, sql`SELECT 1 FROM commissioners WHERE id = ${id}`)) !== undefined;
}

/** Locks the commissioner FOR UPDATE (its contracts change one at a time); false when there is none. */
export async function lockCommissioner(db: Queryable, id: string): Promise<boolean> {
  return (await one(db, sql`SELECT id FROM commissioners WHERE id = ${id} FOR UPDATE`)) !== undefined;
}

/** The commissioners' names by id. */
export async function commissionerNames(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  const found = await rows<{ id: string; name: string }>(db, sql`SELECT id, name FROM commissioners WHERE id = ANY(${ids}::uuid[])`);
  return new Map(found.map((c) => [c.id, c.name]));
}
