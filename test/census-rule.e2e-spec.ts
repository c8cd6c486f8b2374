import pg from 'pg';
import { countsAtCensus } from '../src/headcounts/headcount.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The census rule lives in src/headcounts/headcount.ts; withdraw_registration (which decides whether a
 * withdrawal releases money) uses the same rule written in SQL, counts_at_census. They must agree.
 */
describe('the census rule in TypeScript and in SQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const CENSUS = '2026-10-01';
  const dates = [null, '2026-09-01', '2026-09-30', CENSUS, '2026-10-02', '2026-12-18'];
  const cases = dates.flatMap((registeredOn) => dates.map((withdrawalEffectiveOn) => ({ registeredOn, withdrawalEffectiveOn })));

  it(`agree on all ${dates.length ** 2} combinations of registration and withdrawal dates around a census`, async () => {
    const { rows } = await (t.db as pg.Pool).query(
      `SELECT c.i, counts_at_census(c.registered_on::date, c.withdrawal_effective_on::date, $2::date) AS counts
         FROM jsonb_to_recordset($1::jsonb) AS c(i int, registered_on text, withdrawal_effective_on text)
        ORDER BY c.i`,
      [JSON.stringify(cases.map((c, i) => ({ i, registered_on: c.registeredOn, withdrawal_effective_on: c.withdrawalEffectiveOn }))), CENSUS],
    );
    expect(rows.map((r) => r.counts)).toEqual(cases.map((c) => countsAtCensus(c, CENSUS)));
    expect(rows.filter((r) => r.counts).length).toBeGreaterThan(0); // the table exercises both answers
  });
});
