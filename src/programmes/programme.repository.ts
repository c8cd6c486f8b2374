import type { SelectQueryBuilder } from 'typeorm';
import { likePrefix } from '../common/query-params.js';
import { execute, rows } from '../database/database.repository.js';
import { type Queryable, sql } from '../database/sql.js';
import type { ProgrammeQuery } from './dto/programme.dto.js';
import type { Programme } from './programme.entity.js';

/* SQL over programmes beside the Programme entity (ProgrammesService): checks other modules make, the capacity
   update, and the list's filter (for the query builder). */

/** Those of `ids` that name no programme. */
export async function unknownProgrammes(db: Queryable, ids: readonly string[]): Promise<string[]> {
  const found = await rows<{ id: string }>(db, sql`SELECT id FROM programmes WHERE id = ANY(${ids}::uuid[])`);
  return ids.filter((id) => !found.some((p) => p.id === id));
}

/** The programme's capacity (called with the programme and its programme-terms locked: changeProgrammeCapacity). */
export async function setProgrammeCapacity(db: Queryable, id: string, capacity: number): Promise<void> {
  await execute(db, sql`UPDATE programmes SET capacity = ${capacity} WHERE id = ${id}`);
}

/** `q`: a case-insensitive name prefix, served by the index programmes_name_prefix (migration 1764430000000). */
export function filterProgrammes(qb: SelectQueryBuilder<Programme>, query: ProgrammeQuery): SelectQueryBuilder<Programme> {
  if (query.q) qb.andWhere('lower(programme.name) LIKE lower(:namePrefix)', { namePrefix: likePrefix(query.q) });
  return qb;
}
