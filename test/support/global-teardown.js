// Drops this run's template and any of its test databases a crashed file left behind, and stops
// the embedded PostgreSQL and the Redis if global-setup started them.
import pg from 'pg';

export default async function globalTeardown() {
  const admin = process.env.SB_TEST_ADMIN_URL;
  const run = process.env.SB_TEST_RUN;
  if (admin && run) {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [`sb_test_${run}_`]);
      for (const row of rows) await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(row.datname)} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
  await globalThis.__embeddedTestPostgres?.stop();
  await globalThis.__localTestRedis?.stop();
}
