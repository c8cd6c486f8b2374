import pg from 'pg';
import { countsAtCensus, placeBillable } from '../src/headcounts/headcount.js';
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

  // v1.1: the billing rule of a place billed per term, census rule extended to late joiners
  // (place_billable of migrations/1764400000000, mirrored by placeBillable for the headcount's lateJoiners)
  it(`agree on place_billable (late joiners included) for all ${dates.length ** 2} combinations`, async () => {
    const { rows } = await (t.db as pg.Pool).query(
      `SELECT c.i, place_billable(c.registered_on::date, c.withdrawal_effective_on::date, $2::date) AS billable
         FROM jsonb_to_recordset($1::jsonb) AS c(i int, registered_on text, withdrawal_effective_on text)
        ORDER BY c.i`,
      [JSON.stringify(cases.map((c, i) => ({ i, registered_on: c.registeredOn, withdrawal_effective_on: c.withdrawalEffectiveOn }))), CENSUS],
    );
    expect(rows.map((r) => r.billable)).toEqual(cases.map((c) => placeBillable(c, CENSUS)));
    // a late joiner (registered 2026-10-02) withdrawn after that day is billable; on it, not
    expect(placeBillable({ registeredOn: '2026-10-02', withdrawalEffectiveOn: '2026-12-18' }, CENSUS)).toBe(true);
    expect(placeBillable({ registeredOn: '2026-10-02', withdrawalEffectiveOn: '2026-10-02' }, CENSUS)).toBe(false);
  });
});
