import type { Response } from 'supertest';
import { expectProblem } from '../support/problem.js';
import { PrivateRedis } from '../support/private-redis.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const BOARD = '/admin/queues';
const HTML = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';

/**
 * The queue board's sessions live in Redis: with Redis stopped, a browser with a session, a script with a
 * token and a login all get 503 with Retry-After at once (never a 500, never an ioredis message), and the
 * board works again, without a restart, once Redis is back (sessions lost with Redis's data: log in again).
 */
describe('fault drill: the queue board while Redis is down', () => {
  const redis = new PrivateRedis();
  let t: TestApp;

  beforeAll(async () => {
    await redis.start();
    t = await createTestApp({ env: { REDIS_URL: redis.url } });
  }, 60_000);
  afterAll(async () => {
    await redis.start(); // so the app closes its queues cleanly
    await t?.close();
    await redis.stop();
  });

  const login = () =>
    t.api().post('/admin/login').set('Origin', t.baseUrl).set('Accept', HTML).type('form').send({ token: t.adminToken });
  const cookieOf = (res: Response) => String(([] as string[]).concat(res.headers['set-cookie'] ?? [])[0] ?? '').split(';')[0];
  const expect503 = (res: Response, started: number) => {
    expect(res.status).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.text).not.toMatch(/ECONNREFUSED|ioredis|Connection is closed|max retries|Stream isn't writeable/i);
    expect(Date.now() - started).toBeLessThan(3000);
  };

  it('answers 503 with Retry-After to sessions, tokens and logins, then works again when Redis is back', async () => {
    const cookie = cookieOf(await login());
    expect(cookie).toMatch(/^sb_queue_board=/);
    expect((await t.api().get(`${BOARD}/api/queues`).set('Cookie', cookie)).status).toBe(200);

    await redis.stop();
    for (let round = 0; round < 3; round++) {
      let started = Date.now();
      const api = await t.api().get(`${BOARD}/api/queues`).set('Cookie', cookie);
      expect503(api, started);
      expectProblem(api, 503);
      expect(api.body).toMatchObject({ title: 'Service unavailable', instance: `${BOARD}/api/queues`, requestId: api.headers['x-request-id'] });
      started = Date.now();
      expect503(await t.api().get(BOARD).set('Cookie', cookie).set('Accept', HTML), started);
      started = Date.now();
      expect503(await t.api().get(`${BOARD}/api/queues`).set(bearer(t.adminToken)), started);
      started = Date.now();
      const form = await login();
      expect503(form, started);
      expect(form.text).toContain('Redis is not answering');
      started = Date.now();
      expect503(await t.api().post('/admin/logout').set('Cookie', cookie).set('Origin', t.baseUrl), started);
    }

    await redis.start();
    // Each client (Bull's and the sessions') reconnects on its own back-off, up to 2 s apart: wait for both
    const whenBack = async (request: () => PromiseLike<Response>): Promise<number> => {
      const deadline = Date.now() + 30_000;
      let status = 503;
      while (status === 503 && Date.now() < deadline) {
        status = (await request()).status;
        if (status === 503) await new Promise((r) => setTimeout(r, 200));
      }
      return status;
    };
    expect(await whenBack(() => t.api().get(`${BOARD}/api/queues`).set(bearer(t.adminToken)))).toBe(200);
    // this Redis kept nothing: the old session is gone, a new login works
    expect(await whenBack(() => t.api().get(`${BOARD}/api/queues`).set('Cookie', cookie))).toBe(401);
    const again = cookieOf(await login());
    expect((await t.api().get(`${BOARD}/api/queues`).set('Cookie', again)).status).toBe(200);
  }, 90_000);
});
