import type { EntityManager } from 'typeorm';

/** Anything that runs SQL the way TypeORM's EntityManager does (a transaction's manager, or a pg shim). */
export type Sql = Pick<EntityManager, 'query'>;

/**
 * The rows a statement returned. TypeORM answers UPDATE and DELETE with `[rows, rowCount]` but every
 * other command with the rows alone; this evens that out for `... RETURNING` statements.
 */
export async function returning<T>(em: Sql, sql: string, params: unknown[]): Promise<T[]> {
  const result = await em.query(sql, params);
  const isRowsAndCount = Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
  return isRowsAndCount ? result[0] : result;
}
