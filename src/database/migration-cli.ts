import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { resolveDatabase } from './database-url.js';
import { migrateUnderLock, withMigrationsLock } from './migrate.js';

/**
 * `npm run migration:run` applies pending migrations; `npm run migration:revert` undoes the last one.
 * Uses DATABASE_URL, or the embedded database when it is unset (as `npm start` does).
 */
async function main(): Promise<void> {
  const command = process.argv[2] ?? 'run';
  const { config, embedded } = await resolveDatabase(loadConfig(), () => undefined);
  const dataSource = new DataSource(dataSourceOptions(config.databaseUrl!, 2));
  await dataSource.initialize();
  try {
    if (command === 'run') {
      const applied = await migrateUnderLock(dataSource);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Nothing to apply: the schema is up to date');
    } else if (command === 'revert') {
      await withMigrationsLock(dataSource, () => dataSource.undoLastMigration({ transaction: 'each' }));
      console.log('Reverted the last migration');
    } else {
      throw new Error(`Unknown command "${command}": use run or revert`);
    }
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(`Migration failed: ${(error as Error).message}`);
  process.exit(1);
});
