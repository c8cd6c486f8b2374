// Runs once before the e2e files, outside Jest's module system, so it uses the compiled service
// (npm test builds first): it finds a PostgreSQL (DATABASE_URL, else an embedded one under
// .data/postgres-test) and a Redis (REDIS_URL, else whatever answers on 127.0.0.1:6379, else a
// redis-server it starts with its data under .data/redis-test, as `npm start` does), and migrates a
// template database that every e2e file clones.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../dist/src/config/app-config.js';
import { EmbeddedPostgres } from '../../dist/src/database/embedded-postgres.js';
import { prepareDatabase } from '../../dist/src/database/prepare.js';
import { resolveRedis } from '../../dist/src/redis/local-redis.js';

export default async function globalSetup() {
  const config = loadConfig({ EMBEDDED_REDIS_DIR: resolve(process.cwd(), '.data/redis-test'), ...process.env });
  // Jest does not handle SIGINT: servers started here stay in its process group, so Ctrl-C stops them too
  const redis = await resolveRedis(config, { ownProcessGroup: false });
  globalThis.__localTestRedis = redis.local;
  process.env.REDIS_URL = redis.url; // the test files and the services they spawn use this one

  let admin = config.databaseUrl;
  if (!admin) {
    const embedded = new EmbeddedPostgres({
      dataDir: resolve(process.cwd(), '.data/postgres-test'),
      port: Number(process.env.SB_TEST_EMBEDDED_PORT ?? 54339),
      database: 'postgres',
      ownProcessGroup: false,
    });
    admin = await embedded.start();
    globalThis.__embeddedTestPostgres = embedded;
  }
  const run = randomBytes(3).toString('hex');
  const template = `sb_test_${run}_template`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(template)}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${template}`;
  await prepareDatabase(url.toString());

  // read by test/support/test-database.ts in the test workers
  process.env.SB_TEST_ADMIN_URL = admin;
  process.env.SB_TEST_RUN = run;
  process.env.SB_TEST_TEMPLATE_DB = template;
}
