import { jest } from '@jest/globals';
import pg from 'pg';
import { Agent, request } from 'undici';
import { type ChildService, killAll, randomToken, spawnService } from '../support/child-service.js';
import { expectProblem } from '../support/problem.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';

/**
 * Issue 8, item 5: requests that freeze the service. One POST /participants with 250,000 empty
 * guardians (a 732 KB body) took 21.7 s to refuse, with a 252 MB error body; eight at once stalled
 * the API for 170 s.
 */
jest.setTimeout(180_000);

const hostileBody = (items = 250_000) =>
  JSON.stringify({ firstName: 'A', lastName: 'B', dateOfBirth: '2013-05-14', guardians: Array.from({ length: items }, () => ({})) });

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('hostile bodies against the running service', () => {
  let database: { name: string; url: string };
  let child: ChildService;
  const token = randomToken('hostile-admin');

  beforeAll(async () => {
    database = await createTestDatabase();
    child = await spawnService(
      {
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        DATABASE_URL: database.url,
        BOOTSTRAP_ADMIN_TOKEN: token,
        BULL_PREFIX: `hostile-${randomToken('b').slice(-8)}`,
        LOG_LEVEL: 'warn',
      },
      ['api'],
    );
    await child.waitUntilReady(60_000);
  });
  afterAll(async () => {
    await killAll();
    await dropTestDatabase(database.name);
  });

  it('refuses 250,000 array items at once, with a small problem body', async () => {
    const started = Date.now();
    const res = await fetch(`${child.baseUrl}/api/v1/participants`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: hostileBody(),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    const ms = Date.now() - started;
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(text.length).toBeLessThan(2000);
    expect(JSON.parse(text).errors).toEqual([{ field: 'guardians', message: expect.stringMatching(/no more than/) }]);
    console.log(`250,000 guardians refused in ${ms} ms with a ${text.length}-byte body`);
    expect(ms).toBeLessThan(5000);
  });

  it('8 clients sending hostile bodies over and over leave /health/live answering within 100 ms (p99, above the idle floor)', async () => {
    const body = Buffer.from(hostileBody());
    const probe = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
    const live = async (): Promise<number> => {
      const started = performance.now();
      try {
        const res = await request(`${child.baseUrl}/health/live`, { dispatcher: probe, headersTimeout: 10_000, bodyTimeout: 10_000 });
        await res.body.text();
        if (res.statusCode !== 200) return 10_000;
      } catch {
        return 10_000;
      }
      return performance.now() - started;
    };
    /** p99 of /health/live over `ms`, probing every 5 ms. */
    const p99Over = async (ms: number, samples: number[] = []) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        samples.push(await live());
        await new Promise((r) => setTimeout(r, 5));
      }
      return { p99: percentile(samples, 99), n: samples.length, max: Math.max(...samples) };
    };

    /** One measurement: the idle floor, then 8 clients posting hostile bodies for 3 s, then the floor again. */
    const measure = async () => {
      const floorBefore = await p99Over(1500);
      const hostile = new Agent({ connections: 8, keepAliveTimeout: 60_000 });
      const statuses: Record<string, number> = {};
      const loadUntil = Date.now() + 3000;
      let done = false;
      const clients = Array.from({ length: 8 }, async () => {
        while (Date.now() < loadUntil) {
          try {
            const res = await request(`${child.baseUrl}/api/v1/participants`, {
              method: 'POST',
              dispatcher: hostile,
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body,
              headersTimeout: 60_000,
              bodyTimeout: 60_000,
            });
            await res.body.text();
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            // eight bodies at a time, not a flood at the machine's bandwidth: what is measured is the event loop
            await new Promise((r) => setTimeout(r, 25));
          } catch (error) {
            statuses[(error as Error).message] = (statuses[(error as Error).message] ?? 0) + 1;
            return;
          }
        }
      });
      const samples: number[] = [];
      const sampling = (async () => {
        while (!done) {
          samples.push(await live());
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      await Promise.all(clients);
      done = true;
      await sampling;
      await hostile.close();
      const floorAfter = await p99Over(1500);
      const underLoad = { p99: percentile(samples, 99), n: samples.length, max: Math.max(...samples) };
      const floor = Math.max(floorBefore.p99, floorAfter.p99);
      console.log(
        `/health/live p99: idle ${floorBefore.p99.toFixed(1)} / ${floorAfter.p99.toFixed(1)} ms (before / after), under 8 hostile clients ` +
          `${underLoad.p99.toFixed(1)} ms (${underLoad.n} probes, max ${underLoad.max.toFixed(1)} ms); hostile answers ${JSON.stringify(statuses)}`,
      );
      return { floor, underLoad, statuses };
    };

    // A busy shared machine can make one measurement miss by a little: a near miss is measured again (up
    // to three times); a service that blocks (seconds, as before the fix) fails at once.
    let result = await measure();
    for (let attempt = 2; attempt <= 3 && result.underLoad.p99 >= result.floor + 100 && result.underLoad.p99 < 1000; attempt++) result = await measure();
    await probe.close();

    expect(Object.keys(result.statuses)).toEqual(['400']);
    expect(result.statuses['400']).toBeGreaterThanOrEqual(8);
    expect(result.underLoad.n).toBeGreaterThan(20);
    expect(result.underLoad.p99).toBeLessThan(result.floor + 100);
  });
});

describe('validation errors, array limits in OpenAPI, the request deadline', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REQUEST_TIMEOUT_MS: '1000' } });
  });
  afterAll(() => t?.close());

  it('lists at most 20 field errors and says how many more there were', async () => {
    // ten guardians, each without a name or a relationship: 60 failed constraints, 61 with lastName
    const res = await t.api().post('/api/v1/participants').set(bearer(t.adminToken)).send({
      firstName: 'A',
      dateOfBirth: '2013-05-14',
      guardians: Array.from({ length: 10 }, () => ({})),
    });
    expectProblem(res, 400, 'guardians.0.name');
    expect(res.body.errors).toHaveLength(20);
    const [, more] = /; and (\d+) more errors not listed$/.exec(res.body.detail) ?? [];
    expect(Number(more)).toBeGreaterThanOrEqual(40);
    expect(res.body.detail.split('; ')).toHaveLength(21);
  });

  it('documents maxItems for every array a request body may hold', async () => {
    const doc = (await t.api().get('/api/docs-json')).body as { components: { schemas: Record<string, { properties?: Record<string, { type?: string; maxItems?: number }> }> } };
    const schemas = doc.components.schemas;
    expect(schemas.CreateParticipantDto.properties!.guardians.maxItems).toBe(10);
    expect(schemas.CreateParticipantDto.properties!.emergencyContacts.maxItems).toBe(10);
    expect(schemas.CreateContractDto.properties!.programmeIds.maxItems).toBe(500);
    const missing = Object.entries(schemas)
      .filter(([name]) => name.endsWith('Dto'))
      .flatMap(([name, schema]) => Object.entries(schema.properties ?? {}).filter(([, p]) => p.type === 'array' && p.maxItems === undefined).map(([p]) => `${name}.${p}`));
    expect(missing).toEqual([]);
  });

  it('answers a request that outlives REQUEST_TIMEOUT_MS with 503, and a handler that had not started does not run', async () => {
    const before = (await t.db.query(`SELECT count(*)::int AS n FROM commissioners`)).rows[0].n;
    const blocker = new pg.Client({ connectionString: t.databaseUrl });
    await blocker.connect();
    try {
      // the token lookup waits on this lock: the deadline passes before the handler could start
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const res = await t.api().post('/api/v1/commissioners').set(bearer(t.adminToken)).send({ name: 'Late', code: 'LATE-1' });
      const ms = Date.now() - started;
      expectProblem(res, 503);
      expect(res.body.type).toMatch(/\/request-timeout$/);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers.connection).toBe('close');
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(5000);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    // the guard now finds the token, but the request was abandoned: nothing is created
    await new Promise((r) => setTimeout(r, 500));
    expect((await t.db.query(`SELECT count(*)::int AS n FROM commissioners`)).rows[0].n).toBe(before);
    // and the service answers as usual
    expect((await t.api().get('/api/v1/commissioners').set(bearer(t.adminToken))).status).toBe(200);
  });
});
