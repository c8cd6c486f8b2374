import { DataSource } from 'typeorm';

/** Any fixed number: every process that migrates takes the same Postgres advisory lock. */
export const MIGRATIONS_LOCK_ID = 7_451_190_001;

/**
 * Runs `work` while holding a session-level advisory lock, so that several API and worker processes
 * starting at once migrate one after another and never twice.
 */
export async function withMigrationsLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK_ID]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Applies pending migrations under the lock. `then` runs under the same lock (used to create the
 * bootstrap administrator exactly once).
 */
export async function migrateUnderLock(dataSource: DataSource, then?: () => Promise<void>): Promise<string[]> {
  return withMigrationsLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (then) await then();
    return applied.map((m) => m.name);
  });
}
