import { jest } from '@jest/globals';
import pg from 'pg';
import { type ChildService, killAll, randomToken, spawnService } from './support/child-service.js';
import { createTestDatabase, dropTestDatabase } from './support/test-database.js';

/**
 * Issue 12, item 3: each API process keeps the principals of the tokens it has seen while it LISTENs for
 * changes to them. Two API processes on one database: a token revoked (or reissued) through one is
 * refused by that one on the very next request, and by the other within one second; an integration key
 * likewise. The cache is really used (a cached token is answered while the users table is locked), and it
 * is off while the listening connection is down.
 */
jest.setTimeout(120_000);

describe('token cache across two API processes', () => {
  let database: { name: string; url: string };
  let a: ChildService;
  let b: ChildService;
  let db: pg.Pool;
  const admin = randomToken('cache-admin');

  const start = () =>
    spawnService(
      {
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        DATABASE_URL: database.url,
        BOOTSTRAP_ADMIN_TOKEN: admin,
        BULL_PREFIX: `cache-${randomToken('b').slice(-8)}`,
        LOG_LEVEL: 'warn',
        REQUEST_TIMEOUT_MS: '3000',
      },
      ['api'],
    );

  const get = async (service: ChildService, path: string, token: string) => {
    const res = await fetch(`${service.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    await res.text();
    return res.status;
  };
  const send = async (service: ChildService, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${admin}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  /** Milliseconds until `service` refuses `token` (401), polling every 10 ms for up to 3 s. */
  const refusedWithin = async (service: ChildService, path: string, token: string, since: number) => {
    while (Date.now() - since < 3000) {
      if ((await get(service, path, token)) === 401) return Date.now() - since;
      await new Promise((r) => setTimeout(r, 10));
    }
    return Infinity;
  };
  const warm = async (token: string, path = '/api/v1/programmes') => {
    for (const service of [a, b]) for (let i = 0; i < 3; i++) expect(await get(service, path, token)).toBe(200);
  };
  const newCoordinator = async (label: string) => {
    const created = await send(a, 'POST', '/api/v1/users', { name: label, email: `${label}@museum.example`, role: 'coordinator' });
    expect(created.status).toBe(201);
    return created.body as { id: string; token: string };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await start();
    await a.waitUntilReady(60_000);
    b = await start();
    await b.waitUntilReady(60_000);
    db = new pg.Pool({ connectionString: database.url, max: 2 });
    db.on('error', () => undefined);
    // both listen once they have authenticated a request
    await warm(admin);
  });

  afterAll(async () => {
    await killAll();
    await db?.end();
    await dropTestDatabase(database.name);
  });

  it('answers a cached token without the database (the users table locked)', async () => {
    const user = await newCoordinator('cached');
    await warm(user.token);
    const blocker = await db.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      for (const service of [a, b]) {
        const started = Date.now();
        expect(await get(service, '/api/v1/programmes', user.token)).toBe(200);
        expect(Date.now() - started).toBeLessThan(1000);
      }
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
  });

  it('a token revoked through one process: refused there on the next request, by the other within a second', async () => {
    const user = await newCoordinator('revoked');
    await warm(user.token);
    expect((await send(a, 'DELETE', `/api/v1/users/${user.id}/token`)).status).toBe(204);
    const revokedAt = Date.now();
    expect(await get(a, '/api/v1/programmes', user.token)).toBe(401);
    expect(await refusedWithin(b, '/api/v1/programmes', user.token, revokedAt)).toBeLessThan(1000);
  });

  it('a token reissued through the other process: the old one is refused the same way', async () => {
    const user = await newCoordinator('reissued');
    await warm(user.token);
    const reissued = await send(b, 'POST', `/api/v1/users/${user.id}/token`);
    expect(reissued.status).toBe(201);
    const at = Date.now();
    expect(await get(b, '/api/v1/programmes', user.token)).toBe(401);
    expect(await refusedWithin(a, '/api/v1/programmes', user.token, at)).toBeLessThan(1000);
    expect(await get(a, '/api/v1/programmes', reissued.body.token)).toBe(200);
  });

  it('an integration key revoked through one process is refused by both the same way', async () => {
    const integration = await send(a, 'POST', '/api/v1/integrations', { name: 'Forms', scopes: ['participants:read'] });
    expect(integration.status).toBe(201);
    const key = integration.body.apiKey as string;
    await warm(key, '/api/v1/participants');
    expect((await send(b, 'DELETE', `/api/v1/integrations/${integration.body.id}`)).status).toBe(204);
    const at = Date.now();
    expect(await get(b, '/api/v1/participants', key)).toBe(401);
    expect(await refusedWithin(a, '/api/v1/participants', key, at)).toBeLessThan(1000);
  });

  it('a change made straight in the database (another program) reaches both within a second', async () => {
    const user = await newCoordinator('direct');
    await warm(user.token);
    await db.query(`UPDATE users SET token_hash = NULL WHERE id = $1`, [user.id]);
    const at = Date.now();
    expect(await refusedWithin(a, '/api/v1/programmes', user.token, at)).toBeLessThan(1000);
    expect(await refusedWithin(b, '/api/v1/programmes', user.token, at)).toBeLessThan(1000);
  });

  it('is off while the listening connection is down: a change nobody is told of is still seen', async () => {
    const user = await newCoordinator('unheard');
    await warm(user.token);
    await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'short-breaks-token-cache' AND datname = current_database()`);
    await new Promise((r) => setTimeout(r, 100));
    // the change is made without its notice: only a process that looks the token up sees it
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE users DISABLE TRIGGER users_token_change');
      await client.query(`UPDATE users SET token_hash = NULL WHERE id = $1`, [user.id]);
      await client.query('ALTER TABLE users ENABLE TRIGGER users_token_change');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await get(a, '/api/v1/programmes', user.token)).toBe(401);
    expect(await get(b, '/api/v1/programmes', user.token)).toBe(401);
    // and the processes listen again (a cached token is answered while users is locked)
    await new Promise((r) => setTimeout(r, 1500));
    await warm(admin);
    const blocker = await db.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      expect(await get(a, '/api/v1/programmes', admin)).toBe(200);
      expect(await get(b, '/api/v1/programmes', admin)).toBe(200);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
  });
});
