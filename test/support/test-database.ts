import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Where the e2e tests put their databases: the server DATABASE_URL names (CI: the machine's
 * PostgreSQL), or, when it is unset, the embedded PostgreSQL started by global-setup. Each test file
 * gets its own database, cloned from a migrated template.
 */
export const TEST_ENV = {
  adminUrl: 'SB_TEST_ADMIN_URL',
  template: 'SB_TEST_TEMPLATE_DB',
  run: 'SB_TEST_RUN',
} as const;

/** Databases of this run are named sb_test_<run>_...: a teardown never touches another run's. */
export function runPrefix(): string {
  const run = process.env[TEST_ENV.run];
  if (!run) throw new Error('The e2e global setup did not run (SB_TEST_RUN is unset)');
  return `sb_test_${run}`;
}

export function adminUrl(): string {
  const url = process.env[TEST_ENV.adminUrl];
  if (!url) throw new Error('The e2e global setup did not run (SB_TEST_ADMIN_URL is unset)');
  return url;
}

export function urlFor(database: string, base = adminUrl()): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>, base = adminUrl()): Promise<T> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template. */
export async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const template = process.env[TEST_ENV.template];
  if (!template) throw new Error('The e2e global setup did not run (no template database)');
  const name = uniqueName(runPrefix());
  await withAdminClient(async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`);
        return;
      } catch (error) {
        // another worker may be cloning the template at this instant
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  });
  return { name, url: urlFor(name) };
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
}
