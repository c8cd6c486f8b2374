import { DataSource } from 'typeorm';
import { ensureBootstrapAdmin } from '../users/bootstrap-admin.js';
import { administratorExists } from '../users/user.repository.js';
import { dataSourceOptions } from './data-source-options.js';
import { migrateUnderLock } from './migrate.js';

export interface PreparedDatabase {
  appliedMigrations: string[];
  createdBootstrapAdmin: boolean;
  /** False: nobody can administer the service (no BOOTSTRAP_ADMIN_TOKEN, no admin:create yet). */
  administratorExists: boolean;
}

/** Brings the schema up to date and creates the bootstrap administrator, under one advisory lock. */
export async function prepareDatabase(databaseUrl: string, bootstrapAdminToken?: string): Promise<PreparedDatabase> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl, 2));
  await dataSource.initialize();
  try {
    let createdBootstrapAdmin = false;
    let hasAdministrator = false;
    const appliedMigrations = await migrateUnderLock(dataSource, async () => {
      createdBootstrapAdmin = await ensureBootstrapAdmin(dataSource, bootstrapAdminToken);
      hasAdministrator = createdBootstrapAdmin || (await administratorExists(dataSource));
    });
    return { appliedMigrations, createdBootstrapAdmin, administratorExists: hasAdministrator };
  } finally {
    await dataSource.destroy();
  }
}
