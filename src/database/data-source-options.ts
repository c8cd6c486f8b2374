import { type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { configurePgTypes } from './pg-types.js';

/**
 * The one description of how to reach the database: used by the app (which adds its entities with
 * autoLoadEntities), the migration CLI and the tests.
 */
export function dataSourceOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  configurePgTypes();
  return {
    type: 'postgres',
    url: databaseUrl,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: poolSize, application_name: 'short-breaks' },
  };
}
