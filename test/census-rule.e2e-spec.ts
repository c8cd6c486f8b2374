import pg from 'pg';
import { placeBillable } from '../src/headcounts/headcount.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The census rule has one definition, the SQL function counts_at_census: withdraw_registration (whether
 * a withdrawal releases money), term corrections and the headcount (src/headcounts/headcount.repository.ts)
 * all call it. These are its cases.
 */
describe('the census rule (counts_at_census) and place_billable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const CENSUS = '2026-10-01';
  const dates = [null, '2026-09-01', '2026-09-30', CENSUS, '2026-10-02', '2026-12-18'];
  const cases = dates.flatMap((registeredOn) => dates.map((withdrawalEffectiveOn) => ({ registeredOn, withdrawalEffectiveOn })));

  const countsAtCensus = async (registeredOn: string | null, withdrawalEffectiveOn: string | null): Promise<boolean> => {
    const { rows } = await (t.db as pg.Pool).query(`SELECT counts_at_census($1::date, $2::date, $3::date) AS counts`, [
      registeredOn,
      withdrawalEffectiveOn,
      CENSUS,
    ]);
    return rows[0].counts;
  };

  it('counts a registration made on the census date', async () => {
    expect(await countsAtCensus(CENSUS, null)).toBe(true);
  });
  it('does not count one made the day after', async () => {
    expect(await countsAtCensus('2026-10-02', null)).toBe(false);
  });
  it('does not count one withdrawn effective on the census date', async () => {
    expect(await countsAtCensus('2026-09-01', CENSUS)).toBe(false);
  });
  it('counts one withdrawn effective the day after the census (the term is billable)', async () => {
    expect(await countsAtCensus('2026-09-01', '2026-10-02')).toBe(true);
  });
  it('never counts one that never took a place', async () => {
    expect(await countsAtCensus(null, null)).toBe(false);
  });

  it(`counts, of all ${dates.length ** 2} combinations of dates around a census, those placed by it and not withdrawn by it`, async () => {
    const { rows } = await (t.db as pg.Pool).query(
      `SELECT c.i, counts_at_census(c.registered_on::date, c.withdrawal_effective_on::date, $2::date) AS counts
         FROM jsonb_to_recordset($1::jsonb) AS c(i int, registered_on text, withdrawal_effective_on text)
        ORDER BY c.i`,
      [JSON.stringify(cases.map((c, i) => ({ i, registered_on: c.registeredOn, withdrawal_effective_on: c.withdrawalEffectiveOn }))), CENSUS],
    );
    const counted = cases.filter((_, i) => rows[i].counts);
    expect(counted).toEqual([
      { registeredOn: '2026-09-01', withdrawalEffectiveOn: null },
      { registeredOn: '2026-09-01', withdrawalEffectiveOn: '2026-10-02' },
      { registeredOn: '2026-09-01', withdrawalEffectiveOn: '2026-12-18' },
      { registeredOn: '2026-09-30', withdrawalEffectiveOn: null },
      { registeredOn: '2026-09-30', withdrawalEffectiveOn: '2026-10-02' },
      { registeredOn: '2026-09-30', withdrawalEffectiveOn: '2026-12-18' },
      { registeredOn: CENSUS, withdrawalEffectiveOn: null },
      { registeredOn: CENSUS, withdrawalEffectiveOn: '2026-10-02' },
      { registeredOn: CENSUS, withdrawalEffectiveOn: '2026-12-18' },
    ]);
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
