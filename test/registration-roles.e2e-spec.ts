import type { Test } from 'supertest';
import { addDays, factories, londonToday, type TermDates } from './factories.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Who may use the registration, attendance, roster, headcount and uptake routes (API.md role table):
 * coordinator all; support_worker attendance and roster; finance headcount and uptake;
 * safeguarding_lead none; integration keys only PUT attendance and (v1.1) GET the roster, and only with
 * attendance:write.
 * Every route: 401 without a valid token. A refused write leaves nothing behind.
 */
type Caller = 'admin' | 'coordinator' | 'support_worker' | 'finance' | 'safeguarding_lead' | 'key:attendance:write' | 'key:other-scopes';
const CALLERS: Caller[] = ['admin', 'coordinator', 'support_worker', 'finance', 'safeguarding_lead', 'key:attendance:write', 'key:other-scopes'];

interface Route {
  name: string;
  /** The callers allowed; everyone else gets 403. */
  allowed: Caller[];
  /** Status of an allowed call. */
  ok: number;
  /** Makes a fresh request (with its own fixtures) and, after it, checks whether it changed anything. */
  call: (token?: string) => Promise<{ request: Test; changed?: () => Promise<boolean> }>;
}

describe('roles and scopes on registrations, attendance, roster, headcount and uptake', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  const today = londonToday();
  let term: TermDates;
  let offer: Awaited<ReturnType<typeof f.offer>>;
  let session: { id: string };
  let attendee: { id: string };
  let existing: { id: string };
  const tokens = {} as Record<Caller, string>;

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    term = await f.term({ name: 'Current', startsOn: addDays(today, -30), censusDate: addDays(today, 10), endsOn: addDays(today, 60) });
    offer = await f.offer(term);
    session = await f.session(offer.programme.id, { date: addDays(term.startsOn, 10) });
    const r = await f.registered(term, offer.programme, offer.commissioner.id);
    attendee = r.participant;
    existing = r.registration;
    tokens.admin = t.adminToken;
    for (const role of ['coordinator', 'support_worker', 'finance', 'safeguarding_lead'] as const) tokens[role] = (await f.user(role)).token;
    tokens['key:attendance:write'] = (await f.integration(['attendance:write'])).apiKey;
    tokens['key:other-scopes'] = (await f.integration(['case-notes:write', 'participants:read'])).apiKey;
  });
  afterAll(() => t?.close());

  const withToken = (request: Test, token?: string) => (token === undefined ? request : request.set(bearer(token)));
  const api = () => t.api();

  const routes: Route[] = [
    {
      name: 'POST /registrations',
      allowed: ['admin', 'coordinator'],
      ok: 201,
      call: async (token) => {
        const { participant, budget } = await f.applicant(term, offer.commissioner.id);
        return {
          request: withToken(api().post('/api/v1/registrations'), token).send(f.registrationOf(participant, offer.programme, term, budget)),
          changed: async () =>
            (await t.db.query('SELECT 1 FROM registrations WHERE participant_id = $1', [participant.id])).rowCount !== 0 ||
            (await f.get(`/budgets/${budget.id}`)).body.committedPence !== 0,
        };
      },
    },
    {
      name: 'GET /registrations',
      allowed: ['admin', 'coordinator'],
      ok: 200,
      call: async (token) => ({ request: withToken(api().get(`/api/v1/registrations?programmeId=${offer.programme.id}`), token) }),
    },
    {
      name: 'GET /registrations/:id',
      allowed: ['admin', 'coordinator'],
      ok: 200,
      call: async (token) => ({ request: withToken(api().get(`/api/v1/registrations/${existing.id}`), token) }),
    },
    {
      name: 'POST /registrations/:id/withdraw',
      allowed: ['admin', 'coordinator'],
      ok: 200,
      call: async (token) => {
        const { registration } = await f.registered(term, offer.programme, offer.commissioner.id);
        return {
          request: withToken(api().post(`/api/v1/registrations/${registration.id}/withdraw`), token).send({ reason: 'moved' }),
          changed: async () => (await f.get(`/registrations/${registration.id}`)).body.status !== registration.status,
        };
      },
    },
    {
      name: 'PUT /sessions/:id/attendance/:participantId',
      allowed: ['admin', 'coordinator', 'support_worker', 'key:attendance:write'],
      ok: 200,
      call: async (token) => {
        await t.db.query('DELETE FROM attendance WHERE session_id = $1', [session.id]);
        return {
          request: withToken(api().put(`/api/v1/sessions/${session.id}/attendance/${attendee.id}`), token).send({ status: 'present' }),
          changed: async () => (await t.db.query('SELECT 1 FROM attendance WHERE session_id = $1', [session.id])).rowCount !== 0,
        };
      },
    },
    {
      name: 'GET /sessions/:id/attendance',
      allowed: ['admin', 'coordinator', 'support_worker'],
      ok: 200,
      call: async (token) => ({ request: withToken(api().get(`/api/v1/sessions/${session.id}/attendance`), token) }),
    },
    {
      name: 'GET /sessions/:id/roster',
      // since v1.1 an integration with attendance:write reads the roster (it sees each purpose's consent)
      allowed: ['admin', 'coordinator', 'support_worker', 'key:attendance:write'],
      ok: 200,
      call: async (token) => ({ request: withToken(api().get(`/api/v1/sessions/${session.id}/roster`), token) }),
    },
    {
      name: 'GET /programmes/:id/terms/:termId/headcount',
      allowed: ['admin', 'coordinator', 'finance'],
      ok: 200,
      call: async (token) => ({ request: withToken(api().get(`/api/v1/programmes/${offer.programme.id}/terms/${term.id}/headcount`), token) }),
    },
    {
      name: 'GET /programmes/:id/terms/:termId/uptake',
      allowed: ['admin', 'coordinator', 'finance'],
      ok: 200,
      call: async (token) => ({ request: withToken(api().get(`/api/v1/programmes/${offer.programme.id}/terms/${term.id}/uptake`), token) }),
    },
  ];

  const matrix = routes.flatMap((route) => CALLERS.map((caller) => [route.name, caller, route.allowed.includes(caller)] as const));

  it.each(matrix)('%s as %s: allowed %s', async (name, caller, allowed) => {
    const route = routes.find((r) => r.name === name)!;
    const { request, changed } = await route.call(tokens[caller]);
    const res = await request;
    if (allowed) {
      expect({ status: res.status, body: res.body }).toMatchObject({ status: route.ok });
      if (changed) expect(await changed()).toBe(true);
    } else {
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 403 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (changed) expect(await changed()).toBe(false);
    }
  });

  it.each(routes.map((r) => [r.name]))('%s: 401 without a token, with an unknown token or another scheme', async (name) => {
    const route = routes.find((r) => r.name === name)!;
    for (const token of [undefined, 'sbu_not-a-real-token-000000000000', `Basic ${t.adminToken}`]) {
      const { request, changed } = await route.call();
      const res = await (token === undefined ? request : token.startsWith('Basic ') ? request.set('Authorization', token) : request.set(bearer(token)));
      expect({ token, status: res.status }).toEqual({ token, status: 401 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (changed) expect(await changed()).toBe(false);
    }
  });
});
