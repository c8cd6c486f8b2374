import type { Role, Scope } from '../src/auth/principal.js';
import { call, factories, type Method } from './factories.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Who may call what: every route × every role and every integration scope, from the role table of
 * API.md. `admin` may do everything and is implied; a route lists the other roles and the scopes it
 * admits. Later issues add their routes here (one line each); the last test fails when the service
 * serves a route this table does not list.
 *
 * A caller is "allowed" when the answer is anything but 401/403 (ids in paths name no record and
 * bodies are empty, so allowed calls end in 404 or 400 and change nothing); otherwise the answer
 * must be 403.
 */
type Caller = Exclude<Role, 'admin'> | `scope:${Scope}`;
interface RouteRule {
  method: Method;
  path: string;
  allowed: Caller[];
}

const READ_COMMERCIAL: Caller[] = ['coordinator', 'finance'];
const READ_PARTICIPANTS: Caller[] = ['coordinator', 'support_worker', 'safeguarding_lead', 'scope:participants:read'];
const READ_SESSIONS: Caller[] = ['coordinator', 'support_worker'];
const READ_BUDGETS: Caller[] = ['coordinator', 'finance'];
const CASE_NOTE_STAFF: Caller[] = ['coordinator', 'support_worker', 'safeguarding_lead'];

// prettier-ignore
const ROUTES: RouteRule[] = [
  // identities: admin only
  { method: 'post',   path: '/api/v1/users',                        allowed: [] },
  { method: 'get',    path: '/api/v1/users',                        allowed: [] },
  { method: 'get',    path: '/api/v1/users/:id',                    allowed: [] },
  { method: 'delete', path: '/api/v1/users/:id/token',              allowed: [] },
  { method: 'post',   path: '/api/v1/users/:id/token',              allowed: [] },
  { method: 'post',   path: '/api/v1/integrations',                 allowed: [] },
  { method: 'get',    path: '/api/v1/integrations',                 allowed: [] },
  { method: 'get',    path: '/api/v1/integrations/:id',             allowed: [] },
  { method: 'delete', path: '/api/v1/integrations/:id',             allowed: [] },
  // commissioners and contracts: admin writes; coordinator and finance read
  { method: 'post',   path: '/api/v1/commissioners',                allowed: [] },
  { method: 'get',    path: '/api/v1/commissioners',                allowed: READ_COMMERCIAL },
  { method: 'get',    path: '/api/v1/commissioners/:id',            allowed: READ_COMMERCIAL },
  { method: 'patch',  path: '/api/v1/commissioners/:id',            allowed: [] },
  { method: 'post',   path: '/api/v1/contracts',                    allowed: [] },
  { method: 'get',    path: '/api/v1/contracts',                    allowed: READ_COMMERCIAL },
  { method: 'get',    path: '/api/v1/contracts/:id',                allowed: READ_COMMERCIAL },
  { method: 'patch',  path: '/api/v1/contracts/:id',                allowed: [] },
  { method: 'post',   path: '/api/v1/contracts/:id/extensions',     allowed: [] },
  // programmes, terms, sessions: the coordinator's; support workers read sessions
  { method: 'post',   path: '/api/v1/programmes',                   allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/programmes',                   allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/programmes/:id',               allowed: ['coordinator'] },
  { method: 'patch',  path: '/api/v1/programmes/:id',               allowed: ['coordinator'] },
  { method: 'post',   path: '/api/v1/terms',                        allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/terms',                        allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/terms/:id',                    allowed: ['coordinator'] },
  { method: 'patch',  path: '/api/v1/terms/:id',                    allowed: ['coordinator'] },
  { method: 'post',   path: '/api/v1/programmes/:id/sessions',      allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/programmes/:id/sessions',      allowed: READ_SESSIONS },
  { method: 'get',    path: '/api/v1/sessions/:id',                 allowed: READ_SESSIONS },
  { method: 'patch',  path: '/api/v1/sessions/:id',                 allowed: ['coordinator'] },
  { method: 'post',   path: '/api/v1/sessions/:id/cancel',          allowed: ['coordinator'] },
  // the rota and readiness (issue 13): coordinators manage; support workers read those of sessions they are rostered on
  { method: 'put',    path: '/api/v1/sessions/:id/staff/:userId',   allowed: ['coordinator'] },
  { method: 'delete', path: '/api/v1/sessions/:id/staff/:userId',   allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/sessions/:id/staff',           allowed: READ_SESSIONS },
  { method: 'get',    path: '/api/v1/sessions/:id/readiness',       allowed: READ_SESSIONS },
  // participants and budgets
  { method: 'post',   path: '/api/v1/participants',                 allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/participants',                 allowed: READ_PARTICIPANTS },
  { method: 'get',    path: '/api/v1/participants/:id',             allowed: READ_PARTICIPANTS },
  { method: 'patch',  path: '/api/v1/participants/:id',             allowed: ['coordinator'] },
  { method: 'post',   path: '/api/v1/participants/:id/budgets',     allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/participants/:id/budgets',     allowed: READ_BUDGETS },
  { method: 'post',   path: '/api/v1/participants/:id/consents',    allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/participants/:id/consents',    allowed: CASE_NOTE_STAFF },
  { method: 'get',    path: '/api/v1/budgets/:id',                  allowed: READ_BUDGETS },
  // registrations, attendance and headcounts
  { method: 'post',   path: '/api/v1/registrations',                allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/registrations',                allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/registrations/:id',            allowed: ['coordinator'] },
  { method: 'post',   path: '/api/v1/registrations/:id/withdraw',   allowed: ['coordinator'] },
  { method: 'put',    path: '/api/v1/sessions/:id/attendance/:participantId', allowed: [...READ_SESSIONS, 'scope:attendance:write'] },
  { method: 'get',    path: '/api/v1/sessions/:id/attendance',      allowed: READ_SESSIONS },
  { method: 'get',    path: '/api/v1/sessions/:id/roster',          allowed: [...READ_SESSIONS, 'scope:attendance:write'] },
  { method: 'get',    path: '/api/v1/programmes/:programmeId/terms/:termId/headcount', allowed: READ_COMMERCIAL },
  { method: 'get',    path: '/api/v1/programmes/:programmeId/terms/:termId/uptake',    allowed: READ_COMMERCIAL },
  // case notes (which categories a role may read is checked per note), audit trail, data protection
  { method: 'post',   path: '/api/v1/participants/:id/case-notes',  allowed: [...CASE_NOTE_STAFF, 'scope:case-notes:write'] },
  { method: 'get',    path: '/api/v1/participants/:id/case-notes',  allowed: CASE_NOTE_STAFF },
  { method: 'get',    path: '/api/v1/case-notes/:id',               allowed: CASE_NOTE_STAFF },
  { method: 'post',   path: '/api/v1/case-notes/:id/amendments',    allowed: [...CASE_NOTE_STAFF, 'scope:case-notes:write'] },
  { method: 'get',    path: '/api/v1/case-notes/:id/versions',      allowed: CASE_NOTE_STAFF },
  { method: 'get',    path: '/api/v1/audit-events',                 allowed: ['safeguarding_lead'] },
  { method: 'get',    path: '/api/v1/participants/:id/export',      allowed: ['safeguarding_lead'] },
  { method: 'post',   path: '/api/v1/participants/:id/erase',       allowed: [] },
  { method: 'get',    path: '/api/v1/safeguarding-alerts',          allowed: [] },
  { method: 'get',    path: '/api/v1/safeguarding-alerts/:id',      allowed: [] },
  // billing, invoices and the finance export: finance's; coordinators read invoices
  { method: 'post',   path: '/api/v1/billing-runs',                 allowed: ['finance'] },
  { method: 'get',    path: '/api/v1/billing-runs',                 allowed: ['finance'] },
  { method: 'get',    path: '/api/v1/billing-runs/:id',             allowed: ['finance'] },
  { method: 'post',   path: '/api/v1/billing-runs/:id/retry',       allowed: ['finance'] },
  { method: 'get',    path: '/api/v1/invoices',                     allowed: ['finance', 'coordinator'] },
  { method: 'get',    path: '/api/v1/invoices/:id',                 allowed: ['finance', 'coordinator'] },
  { method: 'get',    path: '/api/v1/invoices/:id/pdf',             allowed: ['finance', 'coordinator'] },
  // attendance evidence (issue 13): an invoice's evidence for finance and coordinators; the summary for coordinators
  { method: 'get',    path: '/api/v1/invoices/:id/evidence',        allowed: ['finance', 'coordinator'] },
  { method: 'get',    path: '/api/v1/programmes/:id/terms/:termId/attendance-summary', allowed: ['coordinator'] },
  { method: 'post',   path: '/api/v1/invoices/:id/credit-notes',    allowed: ['finance'] },
  { method: 'post',   path: '/api/v1/invoices/:id/payments',        allowed: ['finance'] },
  { method: 'get',    path: '/api/v1/invoices/:id/payments',        allowed: ['finance'] },
  { method: 'get',    path: '/api/v1/reports/aged-debt',            allowed: ['finance'] },
  // payments, remittances and statements: finance records money; coordinators read receipts and statements
  { method: 'get',    path: '/api/v1/payments/:id/receipt',         allowed: ['finance', 'coordinator'] },
  { method: 'post',   path: '/api/v1/remittances',                  allowed: ['finance'] },
  { method: 'get',    path: '/api/v1/remittances',                  allowed: ['finance'] },
  { method: 'get',    path: '/api/v1/remittances/:id',              allowed: ['finance'] },
  { method: 'post',   path: '/api/v1/remittances/:id/allocations',  allowed: ['finance'] },
  { method: 'get',    path: '/api/v1/commissioners/:id/statement',  allowed: ['finance', 'coordinator'] },
  { method: 'get',    path: '/api/v1/budgets/:id/statement',        allowed: ['finance', 'coordinator'] },
  { method: 'post',   path: '/api/v1/finance-exports',              allowed: ['finance'] },
  { method: 'get',    path: '/api/v1/finance-exports',              allowed: ['finance'] },
  { method: 'get',    path: '/api/v1/finance-exports/:id',          allowed: ['finance'] },
  { method: 'get',    path: '/api/v1/finance-exports/:id/file',     allowed: ['finance'] },
  // compliance register (issue 13): the coordinator's
  { method: 'post',   path: '/api/v1/compliance-documents',         allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/compliance-documents',         allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/compliance-documents/:id',     allowed: ['coordinator'] },
  { method: 'patch',  path: '/api/v1/compliance-documents/:id',     allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/compliance/status',            allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/compliance/reminders',         allowed: ['coordinator'] },
  // referrals, outcomes and monitoring returns (API.md 1.1)
  { method: 'post',   path: '/api/v1/referrals',                    allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/referrals',                    allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/referrals/:id',                allowed: ['coordinator'] },
  { method: 'post',   path: '/api/v1/referrals/:id/decision',       allowed: ['coordinator'] },
  { method: 'post',   path: '/api/v1/participants/:id/outcomes',    allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/participants/:id/outcomes',    allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/outcomes',                     allowed: ['coordinator'] },
  { method: 'get',    path: '/api/v1/commissioners/:id/monitoring-return', allowed: ['coordinator', 'finance'] },
  { method: 'get',    path: '/api/v1/tender-evidence',              allowed: ['coordinator'] },
  // notifications (issue 15): admin and coordinator; finance lists invoice notifications only
  { method: 'get',    path: '/api/v1/notifications',                allowed: ['coordinator', 'finance'] },
];

/** Open to everyone, token or not. */
const PUBLIC_ROUTES: Array<{ method: Method; path: string }> = [
  { method: 'get', path: '/health/live' },
  { method: 'get', path: '/health/ready' },
  { method: 'get', path: '/api/docs' },
  { method: 'get', path: '/api/docs-json' },
  // the queue board's login and logout pages (the board itself: test/queue-board/)
  { method: 'get', path: '/admin/login' },
  { method: 'get', path: '/admin/logout' },
];

const ROLES: Role[] = ['admin', 'coordinator', 'support_worker', 'finance', 'safeguarding_lead'];
const SCOPES: Scope[] = ['case-notes:write', 'attendance:write', 'participants:read'];
const CALLERS = [...ROLES, ...SCOPES.map((s) => `scope:${s}` as const)];

const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, NO_SUCH_ID);
const mayCall = (route: RouteRule, caller: (typeof CALLERS)[number]) => caller === 'admin' || route.allowed.includes(caller as Caller);
const send = (t: TestApp, method: Method, path: string, token?: string) =>
  call(t, method, path, token, method === 'get' || method === 'delete' ? undefined : {});

describe('role matrix', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    const f = factories(t);
    tokens.admin = t.adminToken;
    for (const role of ROLES.filter((r) => r !== 'admin')) tokens[role] = (await f.user(role)).token;
    for (const scope of SCOPES) tokens[`scope:${scope}`] = (await f.integration([scope])).apiKey;
    tokens.allScopes = (await f.integration([...SCOPES])).apiKey;
  });
  afterAll(() => t?.close());

  describe.each(ROUTES)('$method $path', (route) => {
    it.each(CALLERS)('%s', async (caller) => {
      const res = await send(t, route.method, concrete(route.path), tokens[caller]);
      const outcome = [401, 403].includes(res.status) ? res.status : 'allowed';
      expect({ caller, outcome }).toEqual({ caller, outcome: mayCall(route, caller) ? 'allowed' : 403 });
      if (outcome === 403) expectProblem(res, 403);
      expect(res.status).toBeLessThan(500);
    });

    it('no token → 401', async () => {
      expectProblem(await send(t, route.method, concrete(route.path)), 401);
    });

    it('a key with every scope may do only what one of its scopes names', async () => {
      const res = await send(t, route.method, concrete(route.path), tokens.allScopes);
      const byScope = route.allowed.some((c) => c.startsWith('scope:'));
      expect([401, 403].includes(res.status) ? res.status : 'allowed').toEqual(byScope ? 'allowed' : 403);
    });
  });

  it.each(PUBLIC_ROUTES)('$method $path is public', async ({ method, path }) => {
    expect((await send(t, method, path)).status).toBe(200);
    expect((await send(t, method, path, 'sbu_not-a-real-token')).status).toBe(200);
  });

  it('the table lists every route the service serves (update it when adding one)', async () => {
    const doc = (await t.api().get('/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(doc.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path.replace(/\{[A-Za-z]+\}/g, ':id')}`))
      .sort();
    const listed = [...ROUTES, ...PUBLIC_ROUTES.filter((r) => r.path.startsWith('/health'))]
      .map((r) => `${r.method} ${r.path.replace(/:[A-Za-z]+/g, ':id')}`)
      .sort();
    expect(served).toEqual(listed);
  });
});
