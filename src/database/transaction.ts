import type { DataSource, EntityManager } from 'typeorm';
import { SQLSTATE, sqlState } from './pg-errors.js';

/** Deadlock and serialization failures: the work did nothing and may simply be run again. */
const RETRYABLE = new Set<string>([SQLSTATE.DEADLOCK_DETECTED, SQLSTATE.SERIALIZATION_FAILURE]);

/**
 * Runs `work` again (a few times, with jitter) when PostgreSQL aborted it for a deadlock or a
 * serialization failure. `work` must be one transaction or one statement, so an abort left nothing.
 */
export async function retryingAborts<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = sqlState(error);
      if (attempt >= attempts || !code || !RETRYABLE.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/** Runs `work` in one transaction, retried when aborted; `work` must use only the manager it is given. */
export function inTransaction<T>(dataSource: DataSource, work: (em: EntityManager) => Promise<T>, attempts = 4): Promise<T> {
  return retryingAborts(() => dataSource.transaction(work), attempts);
}
