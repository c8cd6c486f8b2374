/**
 * Benchmark (not a test): case notes ingested per second through the HTTP API with idempotency keys at
 * 50 concurrent clients, beside a baseline measured in the same run: the same inserts straight through
 * `pg` — the very statement the API's service runs for a note (participant checks and lock, idempotency
 * key with its stored response, note, first version, audit event) — with the same 50 concurrent clients
 * and the same number of database connections. API / baseline is what HTTP, Nest, validation,
 * authentication and the rate limit cost, and HTTP itself: a fourth figure, the HTTP floor
 * (case-notes-floor.ts), runs the same statement behind bare node:http, driven by the same client, so that
 * API / floor is what the service's stack costs and floor / baseline what HTTP costs on this machine.
 * A third figure, bare inserts, writes the same rows with one plain INSERT each in a transaction, without
 * the checks, the lock or ON CONFLICT: the cheapest way to put these rows in the database.
 * The workloads run in rounds whose order rotates, so that load from elsewhere on the machine weighs on
 * each alike.
 *
 *   npm run bench:case-notes
 *
 * Environment: DATABASE_URL (a server where it may create and drop a scratch database; default
 * postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL, BENCH_NOTES (notes each way, default 6000),
 * BENCH_ROUNDS (3), BENCH_CLIENTS (50), BENCH_POOL (connections of the API and of the baseline, default
 * 10 = DATABASE_POOL_SIZE's default). The API runs as its own process (`node dist/src/main.js api`), as
 * in production; BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles it.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { writeNoteStatement } from '../../src/case-notes/write-note.js';
import { prepareDatabase } from '../../src/database/prepare.js';
import { formTool, noteRequest } from './case-note-request.js';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOTES = Number(process.env.BENCH_NOTES ?? 6000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const POOL = Number(process.env.BENCH_POOL ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARM_UP = 600;
const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Run {
  notes: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  latencies: number[];
}

/** Several runs as one: total notes over total time. */
function combine(runs: Run[]): Run {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const notes = latencies.length;
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const pct = (p: number) => latencies[Math.min(notes - 1, Math.floor((p / 100) * notes))];
  return { notes, seconds, perSecond: notes / seconds, p50: pct(50), p99: pct(99), latencies };
}

const noteBody = () => ({
  category: 'progress',
  body: `Worked on the clay sculpture for most of the morning, asked for help twice and showed the group at the end. ${randomBytes(8).toString('hex')}`,
  occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
  authorName: 'Priya (support worker)',
});

/** `clients` loops sharing `total` operations; returns throughput and latency percentiles (ms). */
async function drive(total: number, clients: number, operation: (client: number) => Promise<void>): Promise<Run> {
  let next = 0;
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (next < total) {
        next++;
        const t0 = process.hrtime.bigint();
        await operation(client);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { notes: latencies.length, seconds, perSecond: latencies.length / seconds, p50: pct(50), p99: pct(99), latencies };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitUntilReady(baseUrl: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The API exited with code ${server.exitCode}`);
    try {
      if ((await fetch(`${baseUrl}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('The API did not become ready within 60 s');
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const database = `sb_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const adminToken = `bench-admin-${randomBytes(24).toString('hex')}`;
  const bullPrefix = `bench-${randomBytes(4).toString('hex')}`;
  let server: ChildProcess | undefined;
  let floorServer: ChildProcess | undefined;
  let pool: pg.Pool | undefined;

  try {
    await prepareDatabase(databaseUrl, adminToken);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    server = spawn(process.execPath, [...nodeArgs, join(DIST, 'src', 'main.js'), 'api'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: String(POOL),
        REDIS_URL,
        BULL_PREFIX: bullPrefix,
        BOOTSTRAP_ADMIN_TOKEN: adminToken,
        LOG_LEVEL: 'warn',
        INTEGRATION_RATE_LIMIT_PER_MINUTE: '1000000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitUntilReady(baseUrl, server);

    const call = async (
      method: string,
      path: string,
      token: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<Record<string, string>> => {
      const res = await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, string>;
      if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
      return json;
    };
    const integration = await call('POST', '/integrations', adminToken, { name: 'Bench form tool', scopes: ['case-notes:write'] });
    const participants: string[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const p = await call('POST', '/participants', adminToken, {
        firstName: `Child${i}`,
        lastName: 'Bench',
        dateOfBirth: '2013-05-14',
        guardians: [{ name: 'Parent', relationship: 'mother' }],
      });
      participants.push(p.id);
    }

    // The load generator itself should cost as little CPU as possible (it shares the machine with the
    // API and PostgreSQL): node:http with keep-alive connections, one per client.
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const postNote = (base: string, client: number) =>
      new Promise<void>((resolve, reject) => {
        const body = JSON.stringify(noteBody());
        const req = request(
          `${base}/api/v1/participants/${participants[client]}/case-notes`,
          {
            method: 'POST',
            agent,
            headers: {
              Authorization: `Bearer ${integration.apiKey}`,
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(body),
              'Idempotency-Key': randomUUID(),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              res.statusCode === 201 ? resolve() : reject(new Error(`POST case note answered ${res.statusCode}: ${Buffer.concat(chunks)}`)),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const throughApi = (client: number) => postNote(baseUrl, client);

    // The HTTP floor: node:http + pg running the same statement (case-notes-floor.ts), its own process,
    // driven by the same client as the API; API / floor is what Nest, validation, authentication, the rate
    // limit and logging cost, floor / baseline what HTTP itself costs on this machine.
    const floorPort = await freePort();
    floorServer = fork(join(DIST, 'test', 'bench', 'case-notes-floor.js'), [String(floorPort), databaseUrl, integration.id], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, BENCH_POOL: String(POOL) },
    });
    await once(floorServer, 'message');
    const throughFloor = (client: number) => postNote(`http://127.0.0.1:${floorPort}`, client);

    pool = new pg.Pool({ connectionString: databaseUrl, max: POOL });
    const db = pool;
    const actor = formTool(integration.id);
    /** What the API makes of one request: the note, its stored response and the idempotency claim. */
    const prepare = (client: number) => {
      const dto = noteBody();
      return { dto, ...noteRequest(participants[client], integration.id, dto, randomUUID()) };
    };
    const inTransaction = async (work: (connection: pg.PoolClient) => Promise<void>) => {
      const connection = await db.connect();
      try {
        await connection.query('BEGIN');
        await work(connection);
        await connection.query('COMMIT');
      } catch (error) {
        await connection.query('ROLLBACK');
        throw error;
      } finally {
        connection.release();
      }
    };

    // Bare inserts: the same rows, one plain INSERT each (idempotency key with its stored response, note,
    // first version, audit event) in one transaction per note; no checks, no lock, no ON CONFLICT.
    const bareInserts = (client: number) => {
      const { dto, note, response, request } = prepare(client);
      return inTransaction(async (c) => {
        await c.query(
          `INSERT INTO idempotency_keys (principal_kind, principal_id, key, request_hash, response_status, response_body)
           VALUES ($1, $2, $3, $4, 201, $5)`,
          [note.authorKind, note.authorId, request.key, request.fingerprint, JSON.stringify(response)],
        );
        await c.query(
          `INSERT INTO case_notes (id, participant_id, category, occurred_at, author_kind, author_id, author_name, reported_author_name, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
          [note.id, note.participantId, note.category, note.occurredAt, note.authorKind, note.authorId, note.authorName, note.reportedAuthorName, note.createdAt],
        );
        await c.query(
          `INSERT INTO case_note_versions (case_note_id, version, body, author_kind, author_id, author_name, reported_author_name, created_at)
           VALUES ($1, 1, $2, $3, $4, $5, $6, $7)`,
          [note.id, dto.body, note.authorKind, note.authorId, note.authorName, note.reportedAuthorName, note.createdAt],
        );
        await c.query(
          `INSERT INTO audit_events (actor_kind, actor_id, actor_name, action, subject_type, subject_id, participant_id)
           VALUES ($1, $2, $3, 'create', 'case_note', $4, $5)`,
          [note.authorKind, note.authorId, note.authorName, note.id, note.participantId],
        );
      });
    };

    // The baseline: the very statement the API's service runs for a note (writeNoteStatement: checks and
    // lock, key, note, version, audit event), straight through pg, kept prepared as the service keeps it.
    const sameInserts = async (client: number) => {
      const { dto, note, response, request } = prepare(client);
      const statement = writeNoteStatement({ note, body: dto.body, actor, idempotency: { request, response: { status: 201, body: response } }, alert: false });
      // prepared on each connection as the service prepares it (Statement.prepared)
      const { rows } = await db.query({ name: statement.prepared, text: statement.sql, values: statement.params });
      if (rows[0].written !== 1) throw new Error('The note was not written');
    };

    const workloads = { api: throughApi, baseline: sameInserts, bare: bareInserts, floor: throughFloor } as const;
    type Workload = keyof typeof workloads;
    const order: Workload[] = ['api', 'baseline', 'bare', 'floor'];

    process.stdout.write(`Warming up (${WARM_UP} notes each way)...\n`);
    for (const name of order) await drive(WARM_UP, CLIENTS, workloads[name]);

    process.stdout.write(
      `Measuring ${NOTES} notes each way in ${ROUNDS} rounds (order rotating), ${CLIENTS} concurrent clients, ${POOL} database connections...\n`,
    );
    const runs: Record<Workload, Run[]> = { api: [], baseline: [], bare: [], floor: [] };
    const perRound = Math.ceil(NOTES / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < order.length; i++) {
        const name = order[(round + i) % order.length];
        runs[name].push(await drive(perRound, CLIENTS, workloads[name]));
      }
      const [a, b, f, h] = [runs.api[round], runs.baseline[round], runs.bare[round], runs.floor[round]];
      process.stdout.write(
        `  round ${round + 1}: API ${a.perSecond.toFixed(0)}, baseline ${b.perSecond.toFixed(0)}, bare inserts ${f.perSecond.toFixed(0)}, HTTP floor ${h.perSecond.toFixed(0)} notes/s; ` +
          `ratio ${(a.perSecond / b.perSecond).toFixed(2)}\n`,
      );
    }
    const api = combine(runs.api);
    const baseline = combine(runs.baseline);
    const bare = combine(runs.bare);
    const floor = combine(runs.floor);
    const { rows } = await pool.query('SELECT count(*)::int AS notes, count(DISTINCT participant_id)::int AS children FROM case_notes');

    const line = (name: string, r: Run) =>
      `${name.padEnd(34)} ${r.perSecond.toFixed(0).padStart(7)} notes/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   (${r.notes} in ${r.seconds.toFixed(2)} s)`;
    process.stdout.write(
      [
        '',
        line('HTTP API with Idempotency-Key', api),
        line('baseline: same inserts through pg', baseline),
        `ratio API / baseline               ${(api.perSecond / baseline.perSecond).toFixed(2)}   (aim >= 0.70)`,
        line('bare inserts through pg', bare),
        `ratio API / bare inserts           ${(api.perSecond / bare.perSecond).toFixed(2)}`,
        line('HTTP floor: node:http + pg, same', floor),
        `ratio HTTP floor / baseline        ${(floor.perSecond / baseline.perSecond).toFixed(2)}   (what HTTP itself costs here)`,
        `ratio API / HTTP floor             ${(api.perSecond / floor.perSecond).toFixed(2)}   (what the service's stack costs)`,
        `rows: ${rows[0].notes} notes on ${rows[0].children} participants`,
        '',
      ].join('\n'),
    );
  } finally {
    await pool?.end();
    if (floorServer && floorServer.exitCode === null) {
      floorServer.kill('SIGTERM');
      await once(floorServer, 'exit');
    }
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${bullPrefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  }
}

main().catch((error) => {
  process.stderr.write(`Benchmark failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
