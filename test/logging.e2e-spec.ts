import { jest } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type ChildService, freePort, killAll, logLines, randomToken, spawnService } from './support/child-service.js';
import { createTestDatabase, dropTestDatabase } from './support/test-database.js';

/**
 * Issue 2, "Logs": structured JSON with a request id; never tokens, medical notes or note bodies,
 * even at LOG_LEVEL=debug and even for requests that fail. The service runs as a child process on
 * the embedded PostgreSQL (whose own log lines it relays at debug level), so everything the process
 * writes is seen.
 */
jest.setTimeout(120_000);

const SECRET_NOTES = ['MEDICAL-anaphylaxis-7f3a', 'MEDICAL-epipen-91c2', 'MEDICAL-seizures-44d0', 'MEDICAL-insulin-0b7e', 'MEDICAL-asthma-d15c'];

describe('logs', () => {
  let dir: string;
  let child: ChildService;
  const adminToken = randomToken('log-admin');
  const secrets: string[] = [adminToken, ...SECRET_NOTES];
  const responses: Array<{ status: number; requestId: string | null; path: string }> = [];
  let pgPort: number;
  let serverErrorId = '';
  const embeddedUrl = () =>
    `postgres://postgres:${encodeURIComponent(readFileSync(join(dir, 'pg.password'), 'utf8').trim())}@127.0.0.1:${pgPort}/short_breaks`;

  async function call(method: string, path: string, token: string | undefined, body?: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${child.baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body,
    });
    const text = await res.text();
    responses.push({ status: res.status, requestId: res.headers.get('x-request-id'), path });
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-logs-'));
    chmodSync(dir, 0o755);
    child = await spawnService({
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      EMBEDDED_POSTGRES_DIR: join(dir, 'pg'),
      EMBEDDED_POSTGRES_PORT: String((pgPort = await freePort())),
      BOOTSTRAP_ADMIN_TOKEN: adminToken,
      BULL_PREFIX: `logs-${randomToken('b').slice(-8)}`,
      LOG_LEVEL: 'debug',
    });
    await child.waitUntilReady(90_000);

    const json = JSON.stringify;
    const coordinator = await call('POST', '/api/v1/users', adminToken, json({ name: 'Sam', email: 'sam@museum.example', role: 'coordinator' }));
    expect(coordinator.status).toBe(201);
    const coordinatorToken = String(coordinator.body.token);
    const integration = await call('POST', '/api/v1/integrations', adminToken, json({ name: 'Forms', scopes: ['participants:read'] }));
    const apiKey = String(integration.body.apiKey);
    const reissued = await call('POST', `/api/v1/users/${coordinator.body.id}/token`, adminToken);
    const newToken = String(reissued.body.token);
    secrets.push(coordinatorToken, apiKey, newToken);

    const guardians = [{ name: 'Alex Smith', relationship: 'mother' }];
    const created = await call(
      'POST',
      '/api/v1/participants',
      newToken,
      json({ firstName: 'Jamie', lastName: 'Smith', dateOfBirth: '2013-05-14', guardians, medicalNotes: SECRET_NOTES[0] }),
    );
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect((await call('PATCH', `/api/v1/participants/${id}`, newToken, json({ medicalNotes: SECRET_NOTES[1] }))).status).toBe(200);
    expect((await call('GET', `/api/v1/participants/${id}`, newToken)).status).toBe(200);
    expect((await call('GET', '/api/v1/participants', apiKey)).status).toBe(200);

    // refused requests carrying medical notes: validation, the database's own checks, unreadable bodies
    const refused = [
      await call('POST', '/api/v1/participants', newToken, json({ firstName: 'J', lastName: 'S', dateOfBirth: '2013-05-14', guardians, medicalNotes: SECRET_NOTES[2], photoConsent: null })),
      await call('POST', '/api/v1/participants', newToken, json({ firstName: 'J', lastName: 'S', dateOfBirth: '2013-05-14', guardians, medicalNotes: SECRET_NOTES[2], emergencyContacts: null })),
      await call('PATCH', `/api/v1/participants/${id}`, newToken, json({ medicalNotes: SECRET_NOTES[3], firstName: null })),
      await call('PATCH', `/api/v1/participants/${id}`, newToken, json({ medicalNotes: SECRET_NOTES[3], photoConsent: null })),
      await call('PATCH', `/api/v1/participants/${id}`, newToken, json({ medicalNotes: SECRET_NOTES[3], guardians: null })),
      await call('PATCH', `/api/v1/participants/${id}`, newToken, json({ medicalNotes: `${SECRET_NOTES[3]}\u0000` })),
      await call('PATCH', `/api/v1/participants/${id}`, newToken, `{"medicalNotes":"${SECRET_NOTES[4]}",`),
      await call('PATCH', `/api/v1/participants/${id}`, apiKey, json({ medicalNotes: SECRET_NOTES[4] })),
      await call('PATCH', `/api/v1/participants/${id}`, newToken, json({ medicalNotes: SECRET_NOTES[4], needs: 'x'.repeat(1_100_000) })),
    ];
    for (const res of refused) expect(res.status).toBeGreaterThanOrEqual(400);
    // a 500: the database connection dies under an INSERT carrying medical notes
    const blocker = new pg.Client({ connectionString: embeddedUrl() });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE participants IN ACCESS EXCLUSIVE MODE');
      const doomed = call('POST', '/api/v1/participants', newToken, json({ firstName: 'J', lastName: 'S', dateOfBirth: '2013-05-14', guardians, medicalNotes: SECRET_NOTES[4] }));
      for (let i = 0; ; i++) {
        const { rows } = await blocker.query(
          `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = 'short-breaks' AND wait_event_type = 'Lock'`,
        );
        if (rows.length) break;
        if (i > 200) throw new Error('the INSERT never reached the database');
        await new Promise((r) => setTimeout(r, 25));
      }
      await blocker.query('ROLLBACK');
      const failed = await doomed;
      expect(failed.status).toBe(500);
      serverErrorId = String(failed.body.requestId);
    } finally {
      await blocker.end();
    }

    // a duplicate refused by the database: PostgreSQL's DETAIL line would carry the row's values
    const duplicate = json({ name: 'Again', email: 'row-detail-sentinel@museum.example', role: 'finance' });
    expect((await call('POST', '/api/v1/users', adminToken, duplicate)).status).toBe(201);
    expect((await call('POST', '/api/v1/users', adminToken, duplicate)).status).toBe(409);
    // tokens that do not work
    expect((await call('GET', '/api/v1/users', coordinatorToken)).status).toBe(401);
    expect((await call('GET', '/api/v1/users', `${adminToken}x`)).status).toBe(401);

    await child.stop('SIGTERM');
  });

  afterAll(async () => {
    await killAll();
    const pidFile = join(dir, 'pg', 'postmaster.pid');
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
      } catch {
        // gone
      }
      for (let i = 0; i < 100 && existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('are structured JSON at debug level, and include debug lines', () => {
    const lines = child.stdout().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(logLines(child.stdout()).some((l) => l.level === 20)).toBe(true);
  });

  it('never contain a token, an API key or medical notes', () => {
    const output = child.stdout() + child.stderr();
    for (const secret of secrets) {
      expect({ secret, found: output.includes(secret) }).toEqual({ secret, found: false });
    }
    // not even a piece of one
    for (const secret of secrets.filter((s) => s.startsWith('sb'))) {
      expect(output).not.toContain(secret.slice(4, 20));
    }
    expect(output).not.toMatch(/MEDICAL-/);
  });

  it('log a 500 at error level under its request id, without the query or its parameters', () => {
    const errors = logLines(child.stdout()).filter((l) => l.level === 50 && l.requestId === serverErrorId);
    expect(errors).toHaveLength(1);
    expect(errors[0].error).toEqual(expect.objectContaining({ type: 'QueryFailedError', code: '57P01', message: expect.any(String) }));
    expect(JSON.stringify(errors[0])).not.toMatch(/INSERT|parameters/);
  });

  it("relay PostgreSQL's own errors without the row data of their DETAIL lines", () => {
    const postgres = logLines(child.stdout()).filter((l) => typeof l.postgres === 'string');
    expect(postgres.length).toBeGreaterThan(0);
    expect(postgres.some((l) => /users_email_key/.test(String(l.postgres)))).toBe(true);
    expect(child.stdout()).not.toContain('row-detail-sentinel');
  });

  it('log every request under the id of its X-Request-Id header', () => {
    const logged = new Map(
      logLines(child.stdout())
        .filter((l) => l.msg === 'request completed' || l.msg === 'request errored')
        .map((l) => [(l.req as { id: string }).id, l]),
    );
    expect(responses.length).toBeGreaterThan(10);
    for (const { requestId, status, path } of responses) {
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const line = logged.get(requestId!);
      expect({ path, requestId, logged: line ? (line.res as { statusCode: number }).statusCode : 'missing' }).toEqual({ path, requestId, logged: status });
    }
  });
});

describe('X-Request-Id', () => {
  let child: ChildService;
  let database: { name: string; url: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    child = await spawnService({
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      DATABASE_URL: database.url,
      BULL_PREFIX: `reqid-${randomToken('b').slice(-8)}`,
      LOG_LEVEL: 'info',
    });
    await child.waitUntilReady(60_000);
  });
  afterAll(async () => {
    await killAll();
    await dropTestDatabase(database.name);
  });

  it('echoes a sane caller-supplied id, logs under it, and puts it in problem details', async () => {
    const res = await fetch(`${child.baseUrl}/api/v1/programmes`, { headers: { 'X-Request-Id': 'caller-req.123:abc_Z' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('caller-req.123:abc_Z');
    expect(((await res.json()) as { requestId: string }).requestId).toBe('caller-req.123:abc_Z');
    await child.waitForOutput(/"id":"caller-req\.123:abc_Z"/, 5000);
  });

  it.each([
    ['spaces', 'has spaces in it'],
    ['too long', 'x'.repeat(65)],
    ['a log-injection attempt', 'abc"},"level":60,"msg":"forged'],
    ['empty', ''],
  ])('replaces an insane one (%s) with its own', async (_what, given) => {
    const res = await fetch(`${child.baseUrl}/api/v1/programmes`, { headers: { 'X-Request-Id': given } });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never lets a caller-supplied id forge a log line', async () => {
    expect((await child.stop('SIGTERM')).code).toBe(0);
    expect(child.stdout()).not.toContain('forged');
  });
});
