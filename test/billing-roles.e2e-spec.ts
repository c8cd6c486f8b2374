import { BillingQueue, QUARTERLY_SCHEDULE } from '../src/billing/runs/billing-queue.js';
import { BillingSchedule } from '../src/billing/runs/billing-schedule.js';
import { previousQuarter } from '../src/billing/quarter.js';
import { todayInLondon } from '../src/common/london-calendar.js';
import { factories } from './factories.js';
import { type Json, waitForRun } from './support/billing.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

const NO_SUCH = '00000000-0000-7000-8000-000000000000';

type Method = 'get' | 'post';
interface Route {
  method: Method;
  path: string;
  body?: Json;
  /** Roles besides admin that may call it. */
  roles: string[];
}

const ROUTES: Route[] = [
  { method: 'post', path: '/api/v1/billing-runs', body: { quarter: '2031-Q1', dryRun: true }, roles: ['finance'] },
  { method: 'get', path: '/api/v1/billing-runs', roles: ['finance'] },
  { method: 'get', path: `/api/v1/billing-runs/${NO_SUCH}`, roles: ['finance'] },
  { method: 'post', path: `/api/v1/billing-runs/${NO_SUCH}/retry`, roles: ['finance'] },
  { method: 'get', path: '/api/v1/invoices', roles: ['finance', 'coordinator'] },
  { method: 'get', path: `/api/v1/invoices/${NO_SUCH}`, roles: ['finance', 'coordinator'] },
  { method: 'get', path: `/api/v1/invoices/${NO_SUCH}/pdf`, roles: ['finance', 'coordinator'] },
  { method: 'post', path: `/api/v1/invoices/${NO_SUCH}/credit-notes`, body: { reason: 'r' }, roles: ['finance'] },
  { method: 'post', path: `/api/v1/invoices/${NO_SUCH}/payments`, body: { amountPence: 1, receivedOn: '2026-01-01', reference: 'r' }, roles: ['finance'] },
  { method: 'get', path: `/api/v1/invoices/${NO_SUCH}/payments`, roles: ['finance'] },
  { method: 'get', path: '/api/v1/reports/aged-debt', roles: ['finance'] },
  { method: 'post', path: '/api/v1/finance-exports', roles: ['finance'] },
  { method: 'get', path: '/api/v1/finance-exports', roles: ['finance'] },
  { method: 'get', path: `/api/v1/finance-exports/${NO_SUCH}`, roles: ['finance'] },
  { method: 'get', path: `/api/v1/finance-exports/${NO_SUCH}/file`, roles: ['finance'] },
  { method: 'get', path: '/admin/queues', roles: [] },
  { method: 'get', path: '/admin/queues/api/queues', roles: [] },
];

const ROLES = ['admin', 'finance', 'coordinator', 'support_worker', 'safeguarding_lead'];

describe('billing: who may do what', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(); // BILLING_SCHEDULE defaults to on
    const f = factories(t);
    tokens.admin = t.adminToken;
    for (const role of ROLES.slice(1)) tokens[role] = (await f.user(role)).token;
    tokens.integration = (await f.integration(['case-notes:write', 'attendance:write', 'participants:read'])).apiKey;
  });
  afterAll(() => t?.close());

  const call = (route: Route, token?: string) => {
    const req = t.api()[route.method](route.path);
    if (token) req.set(bearer(token));
    return route.body ? req.send(route.body) : req;
  };

  it.each(ROUTES.map((r) => [`${r.method.toUpperCase()} ${r.path.replace(NO_SUCH, ':id')}`, r] as const))('%s', async (_name, route) => {
    expect((await call(route)).status).toBe(401);
    expect((await call(route, 'sbu_not-a-real-token')).status).toBe(401);
    for (const role of [...ROLES, 'integration']) {
      const res = await call(route, tokens[role]);
      const allowed = role === 'admin' || route.roles.includes(role);
      if (allowed) expect([200, 201, 404, 409]).toContain(res.status);
      else expect({ role, status: res.status }).toEqual({ role, status: 403 });
    }
  });

  it('serves Bull Board to administrators', async () => {
    const page = await t.api().get('/admin/queues').set(bearer(t.adminToken));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const queues = await t.api().get('/admin/queues/api/queues').set(bearer(t.adminToken));
    expect(queues.status).toBe(200);
    expect(JSON.stringify(queues.body)).toContain('billing');
  });

  it('registers the quarterly schedule once however many workers start, at 02:00 London on each quarter’s first day', async () => {
    const billingQueue = t.app.get(BillingQueue);
    const other = await createTestApp({ env: { BULL_PREFIX: t.config.bullPrefix } }); // a second worker on the same queues
    await new Promise((r) => setTimeout(r, 1000));
    await other.close();
    await t.app.get(BillingSchedule).onApplicationBootstrap(); // two more workers starting
    await t.app.get(BillingSchedule).onApplicationBootstrap();
    const repeatable = await billingQueue.queue.getRepeatableJobs();
    expect(repeatable).toHaveLength(1);
    expect(repeatable[0]).toMatchObject({ name: 'schedule-quarter', cron: QUARTERLY_SCHEDULE.cron, tz: 'Europe/London' });
    expect(QUARTERLY_SCHEDULE.cron).toBe('0 2 1 1,4,7,10 *');
    // next fire time: 02:00 London on the first day of the next quarter
    expect(new Date(repeatable[0].next).toISOString()).toBe('2027-01-01T02:00:00.000Z');
  });

  it('the scheduled job requests the previous quarter’s run', async () => {
    const billingQueue = t.app.get(BillingQueue);
    await billingQueue.queue.add('schedule-quarter', {});
    const deadline = Date.now() + 15_000;
    let run: Json | undefined;
    while (!run && Date.now() < deadline) {
      const list = await t.api().get('/api/v1/billing-runs').query({ quarter: previousQuarter(todayInLondon()) }).set(bearer(t.adminToken));
      run = list.body.items.find((r: Json) => r.trigger === 'schedule');
      if (!run) await new Promise((r) => setTimeout(r, 100));
    }
    expect(run).toBeDefined();
    expect(await waitForRun(t, run!.id)).toMatchObject({ status: 'completed', quarter: previousQuarter(todayInLondon()) });
  });

  it('BILLING_SCHEDULE=off takes the schedule away', async () => {
    const off = await createTestApp({ env: { BULL_PREFIX: t.config.bullPrefix, BILLING_SCHEDULE: 'off' } });
    try {
      expect(await t.app.get(BillingQueue).queue.getRepeatableJobs()).toHaveLength(0);
    } finally {
      await off.close();
    }
  });
});
