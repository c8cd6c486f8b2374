import { expectProblem } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 8, item 8 (and issue 10): a quarter outside 2000-2100 is a mistake refused with 400 naming
 * `quarter` (0000-Q1 was a 500 RangeError, 1800-Q1 a 202 and a run left `failed`); a lower-case q is
 * the same quarter, always answered in upper case.
 */
describe('billing runs: which quarters', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { BILLING_SCHEDULE: 'off' } });
  });
  afterAll(() => t?.close());

  const post = (body: object) => t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send(body);
  const runs = async () => (await t.db.query(`SELECT quarter FROM billing_runs`)).rows.map((r: { quarter: string }) => r.quarter);

  it.each([
    [{ quarter: '0000-Q1', dryRun: true }],
    [{ quarter: '0000-Q1' }],
    [{ quarter: '1800-Q1' }],
    [{ quarter: '1800-Q1', dryRun: true }],
    [{ quarter: '1999-Q4' }],
    [{ quarter: '2101-Q1' }],
    [{ quarter: '9999-q4', dryRun: true }],
    [{ quarter: '2026-Q5' }],
    [{ quarter: '2026-x4' }],
  ])('%j → 400 naming quarter, and no run', async (body) => {
    const res = await post(body);
    expectProblem(res, 400, 'quarter');
    expect(res.body.detail).toMatch(/2000-Q1 to 2100-Q4/);
    expect(await runs()).toEqual([]);
  });

  it('takes 2026-q4 as 2026-Q4, in a preview, a run and a filter', async () => {
    const preview = await post({ quarter: '2026-q4', dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body.quarter).toBe('2026-Q4');

    const run = await post({ quarter: '2026-q4' });
    expect([200, 202]).toContain(run.status);
    expect(run.body.quarter).toBe('2026-Q4');
    expect(await runs()).toEqual(['2026-Q4']);

    for (const quarter of ['2026-q4', '2026-Q4']) {
      const list = await t.api().get(`/api/v1/billing-runs?quarter=${quarter}`).set(bearer(t.adminToken));
      expect(list.status).toBe(200);
      expect(list.body.items.map((r: { id: string; quarter: string }) => [r.id, r.quarter])).toEqual([[run.body.id, '2026-Q4']]);
    }
    expectProblem(await t.api().get('/api/v1/billing-runs?quarter=1800-Q1').set(bearer(t.adminToken)), 400, 'quarter');
  });
});
