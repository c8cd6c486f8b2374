import type { DataSource, EntityManager } from 'typeorm';

/**
 * The rows a statement returned. TypeORM answers UPDATE and DELETE with `[rows, rowCount]` but every
 * other command with the rows alone; this evens that out for `... RETURNING` statements.
 */
export async function returning<T>(em: EntityManager | DataSource, sql: string, params: unknown[]): Promise<T[]> {
  const result = await em.query(sql, params);
  const isRowsAndCount = Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
  return isRowsAndCount ? result[0] : result;
}
