// Shared pieces of the benchmarks: a PostgreSQL to measure on, fresh migrated databases, the built
// service as a child process, and latency statistics. Benchmarks print figures; they never fail on them.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../dist/src/config/app-config.js';
import { EmbeddedPostgres } from '../../dist/src/database/embedded-postgres.js';
import { prepareDatabase } from '../../dist/src/database/prepare.js';
import { configurePgTypes } from '../../dist/src/database/pg-types.js';

configurePgTypes();

/** The server to measure on: DATABASE_URL's, or an embedded one under .data/postgres-bench. */
export async function benchServer() {
  const config = loadConfig(process.env);
  if (config.databaseUrl) return { adminUrl: config.databaseUrl, redisUrl: config.redisUrl, stop: async () => {} };
  const embedded = new EmbeddedPostgres({
    dataDir: resolve(process.cwd(), '.data/postgres-bench'),
    port: Number(process.env.SB_BENCH_EMBEDDED_PORT ?? 54349),
    database: 'postgres',
  });
  const adminUrl = await embedded.start();
  return { adminUrl, redisUrl: config.redisUrl, stop: () => embedded.stop() };
}

/** A fresh, migrated database; returns its URL and a function that drops it. */
export async function freshDatabase(adminUrl, label) {
  const name = `sb_bench_${label}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const token = `bench-admin-${randomBytes(24).toString('hex')}`;
  await prepareDatabase(url.toString(), token);
  return {
    url: url.toString(),
    adminToken: token,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Starts the built service (`node dist/src/main.js <role>`) and waits until it is ready. `nodeArgs`
 * go to node itself (e.g. ['--cpu-prof'] to profile the service under the benchmark's load).
 */
export async function startService(role, env, nodeArgs = []) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [...nodeArgs, 'dist/src/main.js', role], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await fetch(`${baseUrl}/health/ready`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the ${role} process did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** JSON over HTTP with a bearer token; returns { status, body }. */
export async function call(baseUrl, token, method, path, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Runs `worker(i)` for i in [0, clients) concurrently; returns the wall time in ms. */
export async function concurrently(clients, worker) {
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, i) => worker(i)));
  return performance.now() - started;
}

export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

/** A transaction on a pooled pg client, with the shim the domain's SQL functions take (`query` → rows). */
export async function pgTransaction(pool, work) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work({ query: (text, params) => client.query(text, params).then((r) => r.rows) });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
