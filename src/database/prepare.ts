import { DataSource } from 'typeorm';
import { ensureBootstrapAdmin } from '../users/bootstrap-admin.js';
import { dataSourceOptions } from './data-source-options.js';
import { migrateUnderLock } from './migrate.js';

export interface PreparedDatabase {
  appliedMigrations: string[];
  createdBootstrapAdmin: boolean;
}

/** Brings the schema up to date and creates the bootstrap administrator, under one advisory lock. */
export async function prepareDatabase(databaseUrl: string, bootstrapAdminToken?: string): Promise<PreparedDatabase> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl, 2));
  await dataSource.initialize();
  try {
    let createdBootstrapAdmin = false;
    const appliedMigrations = await migrateUnderLock(dataSource, async () => {
      createdBootstrapAdmin = await ensureBootstrapAdmin(dataSource, bootstrapAdminToken);
    });
    return { appliedMigrations, createdBootstrapAdmin };
  } finally {
    await dataSource.destroy();
  }
}
