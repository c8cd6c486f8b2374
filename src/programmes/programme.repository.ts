import { execute, rows } from '../database/database.repository.js';
import { type Queryable, sql } from '../database/sql.js';

/* SQL over programmes beside the Programme entity (ProgrammesService): checks other modules make. */

/** Those of `ids` that name no programme. */
export async function unknownProgrammes(db: Queryable, ids: readonly string[]): Promise<string[]> {
  const found = await rows<{ id: string }>(db, sql`SELECT id FROM programmes WHERE id = ANY(${ids}::uuid[])`);
  return ids.filter((id) => !found.some((p) => p.id === id));
}

/** The programme's capacity (called with the programme and its programme-terms locked: changeProgrammeCapacity). */
export async function setProgrammeCapacity(db: Queryable, id: string, capacity: number): Promise<void> {
  await execute(db, sql`UPDATE programmes SET capacity = ${capacity} WHERE id = ${id}`);
}
