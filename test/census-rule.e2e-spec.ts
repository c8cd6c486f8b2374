import pg from 'pg';
import { factories } from './factories.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * The census rule has one definition, the SQL function counts_at_census: withdraw_registration (whether
 * a withdrawal releases money), term corrections and the headcount (src/headcounts/headcount.repository.ts)
 * all call it. These are its cases, and those of place_billable (the billing rule of a place billed per
 * term, migrations/1764400000000) and late_joiner (a place taken after the census, migrations/1764540000000),
 * which the billing run, the headcount's lateJoiners and the money functions place_price and
 * place_cancellation_credit_pence (migrations/1764560000000) call: no TypeScript copy of them exists.
 */
describe('the census rule (counts_at_census), place_billable and late_joiner', () => {
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

  // v1.1: the billing rule of a place billed per term, the census rule extended to late joiners: it took a
  // place and was not withdrawn effective on or before the later of the day it took it and the census date
  it(`bills, of all ${dates.length ** 2} combinations, those not withdrawn by the later of their day and the census (place_billable)`, async () => {
    const { rows } = await (t.db as pg.Pool).query(
      `SELECT c.i, place_billable(c.registered_on::date, c.withdrawal_effective_on::date, $2::date) AS billable
         FROM jsonb_to_recordset($1::jsonb) AS c(i int, registered_on text, withdrawal_effective_on text)
        ORDER BY c.i`,
      [JSON.stringify(cases.map((c, i) => ({ i, registered_on: c.registeredOn, withdrawal_effective_on: c.withdrawalEffectiveOn }))), CENSUS],
    );
    expect(cases.filter((_, i) => rows[i].billable)).toEqual([
      { registeredOn: '2026-09-01', withdrawalEffectiveOn: null },
      { registeredOn: '2026-09-01', withdrawalEffectiveOn: '2026-10-02' },
      { registeredOn: '2026-09-01', withdrawalEffectiveOn: '2026-12-18' },
      { registeredOn: '2026-09-30', withdrawalEffectiveOn: null },
      { registeredOn: '2026-09-30', withdrawalEffectiveOn: '2026-10-02' },
      { registeredOn: '2026-09-30', withdrawalEffectiveOn: '2026-12-18' },
      { registeredOn: CENSUS, withdrawalEffectiveOn: null },
      { registeredOn: CENSUS, withdrawalEffectiveOn: '2026-10-02' },
      { registeredOn: CENSUS, withdrawalEffectiveOn: '2026-12-18' },
      { registeredOn: '2026-10-02', withdrawalEffectiveOn: null },
      { registeredOn: '2026-10-02', withdrawalEffectiveOn: '2026-12-18' },
      { registeredOn: '2026-12-18', withdrawalEffectiveOn: null },
    ]);
  });

  /*
   * One case each: place_billable, late_joiner (a place taken after the census date) and whether the
   * headcount counts it among its lateJoiners (a late joiner whose place is still billable: what
   * src/headcounts/headcount.repository.ts selects as billable_late_joiner).
   */
  const ruleCases: Array<{ name: string; registeredOn: string | null; withdrawalEffectiveOn: string | null; billable: boolean; lateJoiner: boolean; counted: boolean }> = [
    { name: 'a place taken the day after the census, held', registeredOn: '2026-10-02', withdrawalEffectiveOn: null, billable: true, lateJoiner: true, counted: true },
    { name: 'a place taken on the census day, held', registeredOn: CENSUS, withdrawalEffectiveOn: null, billable: true, lateJoiner: false, counted: false },
    { name: 'a late joiner withdrawn effective on the day it took its place', registeredOn: '2026-10-02', withdrawalEffectiveOn: '2026-10-02', billable: false, lateJoiner: true, counted: false },
    { name: 'a late joiner withdrawn effective the day after it took its place', registeredOn: '2026-10-02', withdrawalEffectiveOn: '2026-10-03', billable: true, lateJoiner: true, counted: true },
    { name: 'a late joiner withdrawn effective at the end of the term', registeredOn: '2026-10-02', withdrawalEffectiveOn: '2026-12-18', billable: true, lateJoiner: true, counted: true },
    { name: 'a registration that never took a place (registeredOn null)', registeredOn: null, withdrawalEffectiveOn: null, billable: false, lateJoiner: false, counted: false },
    { name: 'never took a place, withdrawn (registeredOn null)', registeredOn: null, withdrawalEffectiveOn: '2026-10-02', billable: false, lateJoiner: false, counted: false },
    { name: 'a place taken before the census, held', registeredOn: '2026-09-01', withdrawalEffectiveOn: null, billable: true, lateJoiner: false, counted: false },
    { name: 'a place taken before the census, withdrawn effective on the census day', registeredOn: '2026-09-01', withdrawalEffectiveOn: CENSUS, billable: false, lateJoiner: false, counted: false },
    { name: 'a place taken before the census, withdrawn effective the day after', registeredOn: '2026-09-01', withdrawalEffectiveOn: '2026-10-02', billable: true, lateJoiner: false, counted: false },
    { name: 'a place taken on the census day, withdrawn effective that day', registeredOn: CENSUS, withdrawalEffectiveOn: CENSUS, billable: false, lateJoiner: false, counted: false },
    { name: 'a place taken on the census day, withdrawn effective the day after', registeredOn: CENSUS, withdrawalEffectiveOn: '2026-10-02', billable: true, lateJoiner: false, counted: false },
    { name: 'a place taken a month after the census, held', registeredOn: '2026-10-05', withdrawalEffectiveOn: null, billable: true, lateJoiner: true, counted: true },
    { name: 'a place taken and withdrawn effective the same day, a month after the census', registeredOn: '2026-11-01', withdrawalEffectiveOn: '2026-11-01', billable: false, lateJoiner: true, counted: false },
  ];
  it.each(ruleCases)('$name: place_billable $billable, late_joiner $lateJoiner, in lateJoiners $counted', async (c) => {
    const { rows } = await (t.db as pg.Pool).query(
      `SELECT place_billable($1::date, $2::date, $3::date) AS billable, late_joiner($1::date, $3::date) AS late_joiner,
              late_joiner($1::date, $3::date) AND place_billable($1::date, $2::date, $3::date) AS counted`,
      [c.registeredOn, c.withdrawalEffectiveOn, CENSUS],
    );
    expect(rows[0]).toEqual({ billable: c.billable, late_joiner: c.lateJoiner, counted: c.counted });
  });

  /*
   * The money functions read late_joiner too: a place taken on the census date is not a late joiner (the
   * full price; a cancelled session's credit is its share of the price over every session), one taken the
   * day after is (pro rata; its credit is nothing for a session already cancelled when it was priced).
   * A term of its own (2025), sessions on 09-12, 10-10, 11-07 and 12-05, £120 a term, 11-07 cancelled
   * before either place is taken.
   */
  describe('place_price and place_cancellation_credit_pence (late_joiner) around the census date', () => {
    const TERM = { name: 'Autumn 2025 (late joiner money)', startsOn: '2025-09-01', endsOn: '2025-12-19', censusDate: '2025-10-01' };
    let places: Record<string, { id: string; pricePence: number }>;
    let world: { contractId: string; programmeId: string; termId: string };

    beforeAll(async () => {
      const f = factories(t);
      const coordinator = await f.user('coordinator');
      const term = await f.term(TERM);
      const { commissioner, programme, contract } = await f.offer(term, { contract: { pricePerTermPence: 12000, cancelledSessions: 'credit' } });
      const sessions: Record<string, string> = {};
      for (const date of ['2025-09-12', '2025-10-10', '2025-11-07', '2025-12-05']) sessions[date] = (await f.session(programme.id, { date })).id;
      const cancelled = await t.api().post(`/api/v1/sessions/${sessions['2025-11-07']}/cancel`).set(bearer(coordinator.token)).send({ reason: 'Venue closed' });
      expect(cancelled.status).toBe(200);
      world = { contractId: contract.id, programmeId: programme.id, termId: term.id as string };
      places = {};
      for (const registeredOn of [TERM.censusDate, '2025-10-02']) {
        const { participant, budget } = await f.applicant(term, commissioner.id);
        const res = await f.post('/registrations', { participantId: participant.id, programmeId: programme.id, termId: term.id, budgetId: budget.id, registeredOn });
        expect(res.status).toBe('registered');
        places[registeredOn] = { id: res.id as string, pricePence: res.pricePence as number };
      }
    });

    const money = async (registeredOn: string) => {
      const { rows } = await (t.db as pg.Pool).query(
        `SELECT place_price($1, $2, $3, $4::date) AS price, place_cancellation_credit_pence($5, '2026-01-01') AS credit`,
        [world.contractId, world.programmeId, world.termId, registeredOn, places[registeredOn].id],
      );
      return { price: rows[0].price, registeredPrice: places[registeredOn].pricePence, credit: rows[0].credit };
    };

    it('a place taken on the census date is not late: the full £120, and the cancelled session credited its quarter, £30', async () => {
      expect(await money(TERM.censusDate)).toEqual({ price: 12000, registeredPrice: 12000, credit: 3000 });
    });
    it('a place taken the day after is late: 2 of the 3 scheduled sessions left, £80, and nothing credited for the session cancelled before', async () => {
      expect(await money('2025-10-02')).toEqual({ price: 8000, registeredPrice: 8000, credit: 0 });
    });
  });
});
