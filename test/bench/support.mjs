// Shared pieces of the benchmarks: a PostgreSQL to measure on, fresh migrated databases, the built
// service as a child process, and latency statistics. Benchmarks print figures; they never fail on them.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
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

// The load generators share the machine with the service and PostgreSQL, so they should cost as little CPU
// as they can: node:http with keep-alive connections (fetch costs the client several times more per request).
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/**
 * A baseline server (a script taking `<port> ...args`, answering 'ready' over IPC once it listens) in a
 * process of its own.
 */
export async function startBaseline(script, args = []) {
  const port = await freePort();
  const child = fork(script, [String(port), ...args], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const [message] = await once(child, 'message');
  if (message !== 'ready') throw new Error(`${script} did not start`);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** JSON over HTTP with a bearer token; returns { status, body }. */
export function call(baseUrl, token, method, path, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { authorization: `Bearer ${token}` };
  if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
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
