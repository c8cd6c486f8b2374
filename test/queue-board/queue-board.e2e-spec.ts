import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Response } from 'supertest';
import { BoardQueues } from '../../src/queue-board/board-queues.js';
import { factories } from '../factories.js';
import { expectProblem } from '../support/problem.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const BOARD = '/admin/queues';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const QUEUES = ['billing', 'commitments', 'compliance', 'data-protection', 'mail', 'safeguarding-alerts'];
const LOGIN_ATTEMPTS = 5;

/** A client address of its own for each test (the service trusts X-Forwarded-For from loopback), so login counts do not mix. */
const anAddress = () => `10.${randomBytes(3).join('.')}`;

/** The `name=value` of the session cookie a response sets, and the attributes it sets it with. */
function sessionCookieOf(res: Response): { pair: string; attributes: string[] } | undefined {
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sb_queue_board='));
  if (!header) return undefined;
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  return { pair, attributes: attributes.map((a) => a.toLowerCase()) };
}

/** Problem details as the service's one filter writes them: with the path and the request id. */
function expectFullProblem(res: Response, status: number, path: string): void {
  expectProblem(res, status);
  expect(res.body.instance).toBe(path);
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}

describe('queue board: who may see it, and how', () => {
  let t: TestApp;
  let coordinatorToken: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { QUEUE_BOARD_LOGIN_ATTEMPTS: String(LOGIN_ATTEMPTS) } });
    coordinatorToken = (await factories(t).user('coordinator')).token;
  });
  afterAll(() => t?.close());

  const login = (token: string, options: { address?: string; origin?: string | null; accept?: string; next?: string; proto?: string } = {}) => {
    let req = t.api().post('/admin/login').set('X-Forwarded-For', options.address ?? anAddress()).set('Accept', options.accept ?? HTML);
    if (options.origin !== null) req = req.set('Origin', options.origin ?? t.baseUrl);
    if (options.proto) req = req.set('X-Forwarded-Proto', options.proto);
    return req.type('form').send({ token, ...(options.next ? { next: options.next } : {}) });
  };
  /** Logs in as `token` and answers the session cookie (`name=value`). */
  const sessionFor = async (token = t.adminToken) => {
    const res = await login(token);
    expect(res.status).toBe(303);
    return sessionCookieOf(res)!.pair;
  };
  const withCookie = (path: string, cookie: string, accept = 'application/json') => t.api().get(path).set('Cookie', cookie).set('Accept', accept);

  describe('scripts with a bearer token', () => {
    it('see every queue the service registers', async () => {
      const res = await t.api().get(`${BOARD}/api/queues`).set(bearer(t.adminToken));
      expect(res.status).toBe(200);
      expect(res.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(QUEUES);
    });

    it('without a token, with an unknown one, or as a non-administrator: 401 / 401 / 403 problem details with instance and requestId', async () => {
      for (const path of [BOARD, `${BOARD}/api/queues`, `${BOARD}/static/js/main.js`]) {
        expectFullProblem(await t.api().get(path), 401, path);
        expectFullProblem(await t.api().get(path).set(bearer('sbu_not-a-real-token')), 401, path);
        expectFullProblem(await t.api().get(path).set(bearer(coordinatorToken)), 403, path);
        expectFullProblem(await t.api().get(path).set('Authorization', 'Basic YWRtaW46YWRtaW4='), 401, path);
      }
    });
  });

  describe('browsers', () => {
    it('opening a board page without a session are sent to the login form (303), which is a small HTML page', async () => {
      const page = await t.api().get(`${BOARD}/queue/billing`).set('Accept', HTML);
      expect(page.status).toBe(303);
      expect(page.headers.location).toBe(`/admin/login?next=${encodeURIComponent(`${BOARD}/queue/billing`)}`);
      // the board's API and assets are not pages: 401
      expectFullProblem(await t.api().get(`${BOARD}/api/queues`).set('Accept', HTML), 401, `${BOARD}/api/queues`);

      const form = await t.api().get('/admin/login').query({ next: `${BOARD}/queue/billing` });
      expect(form.status).toBe(200);
      expect(form.headers['content-type']).toMatch(/^text\/html/);
      expect(form.headers['content-security-policy']).toContain("default-src 'none'");
      expect(form.headers['cache-control']).toBe('no-store');
      expect(form.text).toContain('<form method="post" action="/admin/login">');
      expect(form.text).toContain(`name="next" value="${BOARD}/queue/billing"`);
      // never a way off the site
      expect((await t.api().get('/admin/login').query({ next: 'https://evil.example/' })).text).toContain(`name="next" value="${BOARD}"`);
    });

    it('log in with an administrator token: an HttpOnly, SameSite=Strict session cookie that is not the token, then the board', async () => {
      const res = await login(t.adminToken, { next: `${BOARD}/queue/billing` });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`${BOARD}/queue/billing`);
      const cookie = sessionCookieOf(res)!;
      expect(cookie.attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/admin']));
      expect(cookie.attributes.some((a) => a.startsWith('max-age='))).toBe(true);
      expect(cookie.attributes).not.toContain('secure'); // plain http here
      expect(cookie.pair).not.toContain(t.adminToken);
      expect(cookie.pair).toMatch(/^sb_queue_board=[A-Za-z0-9_-]{43}$/);

      const page = await withCookie(BOARD, cookie.pair, HTML);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      const queues = await withCookie(`${BOARD}/api/queues`, cookie.pair);
      expect(queues.status).toBe(200);
      expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(QUEUES);
    });

    it('get a Secure cookie over https (behind a proxy on this host)', async () => {
      const origin = t.baseUrl.replace('http:', 'https:');
      const res = await login(t.adminToken, { proto: 'https', origin });
      expect(res.status).toBe(303);
      expect(sessionCookieOf(res)!.attributes).toContain('secure');
    });

    it('a wrong or non-administrator token: the form again with the reason (401 / 403), no cookie; problem details for a script', async () => {
      const wrong = await login('sbu_not-a-real-token');
      expect(wrong.status).toBe(401);
      expect(wrong.headers['content-type']).toMatch(/^text\/html/);
      expect(wrong.text).toContain('The token is unknown or has been revoked');
      expect(sessionCookieOf(wrong)).toBeUndefined();
      const coordinator = await login(coordinatorToken);
      expect(coordinator.status).toBe(403);
      expect(coordinator.text).toContain('Only administrators may see the queues');
      expect(sessionCookieOf(coordinator)).toBeUndefined();
      expectFullProblem(await login(coordinatorToken, { accept: 'application/json' }), 403, '/admin/login');
      expectFullProblem(await login('', { accept: 'application/json' }), 401, '/admin/login');
      // a body no form of ours would send
      const huge = await t.api().post('/admin/login').set('Origin', t.baseUrl).type('form').send({ token: 'x'.repeat(10_000) });
      expectFullProblem(huge, 413, '/admin/login');
    });

    it('log out: the cookie is cleared and the session is gone on the server too', async () => {
      const cookie = await sessionFor();
      const confirm = await withCookie('/admin/logout', cookie, HTML);
      expect(confirm.status).toBe(200);
      expect(confirm.text).toContain('<form method="post" action="/admin/logout">');
      const out = await t.api().post('/admin/logout').set('Cookie', cookie).set('Origin', t.baseUrl);
      expect(out.status).toBe(303);
      expect(out.headers.location).toBe('/admin/login?loggedOut=1');
      expect(sessionCookieOf(out)!.attributes.some((a) => a.startsWith('expires=thu, 01 jan 1970'))).toBe(true);
      // the old cookie, replayed, opens nothing
      expectFullProblem(await withCookie(`${BOARD}/api/queues`, cookie), 401, `${BOARD}/api/queues`);
      expect((await withCookie(BOARD, cookie, HTML)).status).toBe(303);
      expect((await t.api().get('/admin/login?loggedOut=1')).text).toContain('You have logged out.');
    });
  });

  describe('sessions end at once when the token does', () => {
    it('revoking the token (DELETE /users/:id/token) ends the session on its next request; so does reissuing it', async () => {
      const admin = await factories(t).user('admin');
      const cookie = await sessionFor(admin.token);
      expect((await withCookie(`${BOARD}/api/queues`, cookie)).status).toBe(200);
      expect((await t.api().delete(`/api/v1/users/${admin.id}/token`).set(bearer(t.adminToken))).status).toBeLessThan(300);
      expectFullProblem(await withCookie(`${BOARD}/api/queues`, cookie), 401, `${BOARD}/api/queues`);

      const reissued = await t.api().post(`/api/v1/users/${admin.id}/token`).set(bearer(t.adminToken));
      const again = await sessionFor(reissued.body.token);
      expect((await withCookie(`${BOARD}/api/queues`, again)).status).toBe(200);
      await t.api().post(`/api/v1/users/${admin.id}/token`).set(bearer(t.adminToken)); // a new token: the old one is gone
      expect((await withCookie(`${BOARD}/api/queues`, again)).status).toBe(401);
    });

    it('an expired session opens nothing', async () => {
      const cookie = await sessionFor();
      const redis = new Redis(t.config.redisUrl);
      try {
        const keys = await redis.keys(`${t.config.bullPrefix}:queue-board:session:*`);
        for (const key of keys) {
          const session = JSON.parse((await redis.get(key))!);
          await redis.set(key, JSON.stringify({ ...session, expiresAt: Date.now() - 1000 }), 'PX', 60_000);
        }
      } finally {
        redis.disconnect();
      }
      expect((await withCookie(`${BOARD}/api/queues`, cookie)).status).toBe(401);
    });
  });

  describe('forgery and guessing', () => {
    it('login and logout come only from our own pages (Origin, else Referer)', async () => {
      expect((await login(t.adminToken, { origin: 'https://evil.example' })).status).toBe(403);
      expect((await login(t.adminToken, { origin: null })).status).toBe(403);
      const byReferer = await t.api().post('/admin/login').set('X-Forwarded-For', anAddress()).set('Referer', `${t.baseUrl}/admin/login`).type('form').send({ token: t.adminToken });
      expect(byReferer.status).toBe(303);

      const cookie = await sessionFor();
      expect((await t.api().post('/admin/logout').set('Cookie', cookie).set('Origin', 'https://evil.example')).status).toBe(403);
      expect((await t.api().post('/admin/logout').set('Cookie', cookie)).status).toBe(403);
      expect((await withCookie(`${BOARD}/api/queues`, cookie)).status).toBe(200); // still logged in
    });

    it("the board's own changes (pause, retry...) with a session come only from our own pages", async () => {
      const cookie = await sessionFor();
      const pause = (origin: string) => t.api().put(`${BOARD}/api/queues/data-protection/pause`).set('Cookie', cookie).set('Origin', origin);
      expectFullProblem(await pause('https://evil.example'), 403, `${BOARD}/api/queues/data-protection/pause`);
      expect((await pause(t.baseUrl)).status).toBe(200);
      expect((await t.api().put(`${BOARD}/api/queues/data-protection/resume`).set('Cookie', cookie).set('Origin', t.baseUrl)).status).toBe(200);
    });

    it(`allows ${LOGIN_ATTEMPTS} login attempts per address per 15 minutes, then 429 with Retry-After, even for the right token`, async () => {
      const address = anAddress();
      for (let i = 0; i < LOGIN_ATTEMPTS; i++) expect((await login('sbu_guess', { address })).status).toBe(401);
      const refused = await login(t.adminToken, { address, accept: 'application/json' });
      expectFullProblem(refused, 429, '/admin/login');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(sessionCookieOf(refused)).toBeUndefined();
      // another address is not held back by this one
      expect((await login(t.adminToken)).status).toBe(303);
    });

    it('a successful login starts the address afresh', async () => {
      const address = anAddress();
      for (let i = 0; i < LOGIN_ATTEMPTS - 1; i++) expect((await login('sbu_typo', { address })).status).toBe(401);
      expect((await login(t.adminToken, { address })).status).toBe(303);
      for (let i = 0; i < LOGIN_ATTEMPTS - 1; i++) expect((await login('sbu_typo', { address })).status).toBe(401);
      expect((await login(t.adminToken, { address })).status).toBe(303);
    });
  });
});

describe('queue board: which queues', () => {
  it('an API-only process shows every queue too', async () => {
    const t = await createTestApp({ role: 'api' });
    try {
      const res = await t.api().get(`${BOARD}/api/queues`).set(bearer(t.adminToken));
      expect(res.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(QUEUES);
    } finally {
      await t.close();
    }
  });

  it('lists every queue registered with BullModule.registerQueue, in any module, once each', async () => {
    @Module({ imports: [BullModule.registerQueue({ name: 'email-notifications' }, { name: 'shared' })] })
    class Notifications {}
    @Module({ imports: [BullModule.registerQueue({ name: 'shared' })] })
    class Elsewhere {}
    const moduleRef = await Test.createTestingModule({
      imports: [BullModule.forRoot({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `test-${randomBytes(4).toString('hex')}` }), DiscoveryModule, Notifications, Elsewhere],
      providers: [BoardQueues],
    }).compile();
    try {
      expect(moduleRef.get(BoardQueues).all().map((q) => q.name)).toEqual(['email-notifications', 'shared']);
    } finally {
      await moduleRef.close();
    }
  });
});
