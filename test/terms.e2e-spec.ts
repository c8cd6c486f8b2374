import pg from 'pg';
import { parseQuarter, previousQuarter, quarterOf } from '../src/billing/quarter.js';
import { addDays, type Body, factories, londonToday, type TermDates } from './factories.js';
import { allDocuments, type Json, runQuarter } from './support/billing.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/** The namespace of the billing quarters' advisory locks (lockQuarter in src/billing/runs/billing-transactions.ts). */
const QUARTER_LOCK_NAMESPACE = 74201;

/** The `n`-th whole quarter before today's (1 = the last one), which a billing run bills in full. */
function pastQuarter(n: number): string {
  let quarter = quarterOf(londonToday());
  for (let i = 0; i < n; i++) quarter = previousQuarter(parseQuarter(quarter).startsOn);
  return quarter;
}

/** A term inside `quarter`, its census three weeks in. */
function termInQuarter(quarter: string, name = `Term ${quarter}`): Body & { startsOn: string; endsOn: string; censusDate: string } {
  const q = parseQuarter(quarter);
  const startsOn = addDays(q.startsOn, 3);
  return { name, startsOn, endsOn: addDays(q.endsOn, -3), censusDate: addDays(startsOn, 21) };
}

const problemCode = (res: { body: Json }) => String(res.body.type ?? '').split('/').pop();

describe('PATCH /terms/:id: correcting a term', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let pool: pg.Pool;

  beforeAll(async () => {
    t = await createTestApp({ env: { OUTBOX_SWEEP_INTERVAL_MS: '500' } });
    f = factories(t);
    pool = new pg.Pool({ connectionString: t.databaseUrl, max: 6 });
  });
  afterAll(async () => {
    await pool?.end();
    await t?.close();
  });

  const patch = (id: string, body: Body, token = t.adminToken) => t.api().patch(`/api/v1/terms/${id}`).set(bearer(token)).send(body);
  const term = (body: Body) => f.term(body) as Promise<Body & TermDates>;

  /** A programme on offer for `tm`, with `placedOn.length` participants registered on those dates. */
  async function offerWithPlaces(tm: TermDates, placedOn: string[]) {
    const { commissioner, programme } = await f.offer(tm);
    const registrations: Array<Json & { id: string }> = [];
    for (const registeredOn of placedOn) {
      const { registration } = await f.registered(tm, programme, commissioner.id, { registration: { registeredOn } });
      registrations.push(registration);
    }
    return { commissioner, programme, registrations };
  }

  describe('what may be corrected', () => {
    it('a mistyped census date, name and dates; the headcount follows the census', async () => {
      const tm = await term({ name: 'Sprng 2027', startsOn: '2027-01-06', endsOn: '2027-03-29', censusDate: '2027-02-01' });
      const { programme } = await offerWithPlaces(tm, [londonToday()]);
      const res = await patch(tm.id, { censusDate: '2027-02-15', name: 'Spring 2027' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...tm, name: 'Spring 2027', censusDate: '2027-02-15' });
      expect((await f.get(`/terms/${tm.id}`)).body).toEqual(res.body);
      const headcount = await f.get(`/programmes/${programme.id}/terms/${tm.id}/headcount`);
      expect(headcount.body).toMatchObject({ censusDate: '2027-02-15', count: 1 });

      const moved = await patch(tm.id, { startsOn: '2027-01-04', endsOn: '2027-04-02' });
      expect(moved.body).toMatchObject({ startsOn: '2027-01-04', endsOn: '2027-04-02', censusDate: '2027-02-15' });
      // nothing given: nothing changes
      expect((await patch(tm.id, {})).body).toEqual(moved.body);
    });

    it('obeys the rules of POST /terms: the census within the term, no end before the start, no overlap', async () => {
      const tm = await term({ name: 'Spring 2041', startsOn: '2041-01-06', endsOn: '2041-03-29', censusDate: '2041-02-01' });
      await term({ name: 'Summer 2041', startsOn: '2041-04-14', endsOn: '2041-07-18', censusDate: '2041-05-01' });
      const outside = await patch(tm.id, { censusDate: '2041-04-01' });
      expectProblem(outside, 422, 'censusDate');
      expect(problemCode(outside)).toBe('census-outside-term');
      // the census is checked against the corrected dates
      expectProblem(await patch(tm.id, { endsOn: '2041-01-31' }), 422, 'censusDate');
      const backwards = await patch(tm.id, { startsOn: '2041-04-01', endsOn: '2041-03-01' });
      expectProblem(backwards, 422, 'endsOn');
      expect(problemCode(backwards)).toBe('term-dates');
      const overlap = await patch(tm.id, { endsOn: '2041-04-20' });
      expectProblem(overlap, 422);
      expect(problemCode(overlap)).toBe('term-overlap');
      expectProblem(await patch(tm.id, { censusDate: null }), 400, 'censusDate');
      expectProblem(await patch(tm.id, { censusDate: '2041-02-30' }), 400, 'censusDate');
      expectProblem(await patch(tm.id, { name: '' }), 400, 'name');
      expectProblem(await patch(tm.id, { id: NO_SUCH_ID }), 400, 'id');
      expectProblem(await patch(NO_SUCH_ID, { name: 'x' }), 404);
      expectProblem(await patch('not-a-uuid', { name: 'x' }), 400);
      // nothing was changed by any of them
      expect((await f.get(`/terms/${tm.id}`)).body).toEqual(tm);
    });
  });

  describe('what may not', () => {
    it("a billed term's census (422 term-billed) — its name and dates still may be", async () => {
      const quarter = pastQuarter(1);
      const tm = await term(termInQuarter(quarter));
      await offerWithPlaces(tm, [addDays(tm.startsOn, -10)]);
      // not yet billed: the census may move, and move back
      expect((await patch(tm.id, { censusDate: addDays(tm.censusDate, 1) })).status).toBe(200);
      expect((await patch(tm.id, { censusDate: tm.censusDate })).status).toBe(200);
      const run = await runQuarter(t, quarter);
      expect(run.invoiceIds).toHaveLength(1);

      const refused = await patch(tm.id, { censusDate: addDays(tm.censusDate, 1) });
      expectProblem(refused, 422, 'censusDate');
      expect(problemCode(refused)).toBe('term-billed');
      expect(refused.body.detail).toContain(`billed on its census of ${tm.censusDate}`);
      // the census given again unchanged is no move
      expect((await patch(tm.id, { censusDate: tm.censusDate, name: 'Renamed' })).status).toBe(200);
      expect((await patch(tm.id, { endsOn: addDays(tm.endsOn, 1) })).body).toMatchObject({ censusDate: tm.censusDate, name: 'Renamed' });
    });

    it('a census move that would change whether a withdrawn registration counted at the census (422 census-settles-withdrawals)', async () => {
      const tm = await term(termInQuarter(pastQuarter(5)));
      const { registrations } = await offerWithPlaces(tm, [addDays(tm.startsOn, -10)]);
      // withdrawn after the census: it counted, its money was kept
      const withdrawn = await f.withdraw(registrations[0].id, { reason: 'Moved away', effectiveOn: addDays(tm.censusDate, 5) });
      expect(withdrawn.body).toMatchObject({ status: 'withdrawn' });
      const refused = await patch(tm.id, { censusDate: addDays(tm.censusDate, 10) });
      expectProblem(refused, 422, 'censusDate');
      expect(problemCode(refused)).toBe('census-settles-withdrawals');
      // earlier, it still counts: allowed
      expect((await patch(tm.id, { censusDate: addDays(tm.censusDate, -3) })).status).toBe(200);
    });

    it('dates that would leave a session, a place or a withdrawal outside the term (422)', async () => {
      const tm = await term({ name: 'Spring 2042', startsOn: '2042-01-06', endsOn: '2042-03-29', censusDate: '2042-02-01' });
      const { programme } = await f.offer(tm);
      await f.session(programme.id, { date: '2042-01-10' });
      await f.session(programme.id, { date: '2042-03-14' });
      const late = await patch(tm.id, { endsOn: '2042-03-01' });
      expectProblem(late, 422, 'endsOn');
      expect(problemCode(late)).toBe('sessions-outside-term');
      expect(late.body.detail).toContain('2042-03-14');
      expectProblem(await patch(tm.id, { startsOn: '2042-01-12' }), 422, 'startsOn');

      // a place taken (a correction, dated in the past) after the new end
      const past = await term(termInQuarter(pastQuarter(6)));
      const { registrations } = await offerWithPlaces(past, [addDays(past.endsOn, -5), addDays(past.startsOn, -10)]);
      const placed = await patch(past.id, { endsOn: addDays(past.endsOn, -6) });
      expectProblem(placed, 422, 'endsOn');
      expect(problemCode(placed)).toBe('registrations-outside-term');
      // a withdrawal effective before the new start
      await f.withdraw(registrations[1].id, { reason: 'Moved away', effectiveOn: past.startsOn });
      const withdrawn = await patch(past.id, { startsOn: addDays(past.startsOn, 1) });
      expectProblem(withdrawn, 422, 'startsOn');
      expect(problemCode(withdrawn)).toBe('registrations-outside-term');
      expect((await f.get(`/terms/${past.id}`)).body).toEqual(past);
    });

    it('the database itself refuses a session dated outside its term (sessions_within_term)', async () => {
      const tm = await term({ name: 'Spring 2043', startsOn: '2043-01-06', endsOn: '2043-03-29', censusDate: '2043-02-01' });
      const { programme } = await f.offer(tm);
      const session = await f.session(programme.id, { date: '2043-01-10' });
      await expect(t.db.query(`UPDATE sessions SET date = '2043-04-01' WHERE id = $1`, [session.id])).rejects.toMatchObject({
        code: '23514',
        constraint: 'sessions_within_term',
      });
    });
  });

  describe('under concurrency', () => {
    /** Runs `work` while another connection holds the advisory lock of each quarter, as a billing run does. */
    async function whileQuarterLocked<T>(quarter: string, work: () => Promise<T>): Promise<T> {
      const holder = await pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [QUARTER_LOCK_NAMESPACE, quarter]);
        return await work();
      } finally {
        await holder.query('COMMIT').catch(() => undefined);
        holder.release();
      }
    }

    it('waits for a billing run of the quarter of the current census, and of the new one', async () => {
      // census in Q1, moved to Q2
      const tm = await term({ name: 'Spring 2044', startsOn: '2044-03-01', endsOn: '2044-05-31', censusDate: '2044-03-15' });
      for (const [quarter, censusDate] of [
        ['2044-Q1', '2044-04-15'],
        ['2044-Q2', '2044-03-15'],
      ]) {
        let answered = false;
        const pending = await whileQuarterLocked(quarter, async () => {
          const request = patch(tm.id, { censusDate }).then((res) => ((answered = true), res));
          await new Promise((r) => setTimeout(r, 1500));
          expect({ quarter, answered }).toEqual({ quarter, answered: false });
          return { request };
        });
        const res = await pending.request;
        expect(res.status).toBe(200);
        expect(res.body.censusDate).toBe(censusDate);
      }
    });

    it('a billing run racing census corrections bills the census that stays, and the census stays once billed', async () => {
      for (const n of [2, 3, 4]) {
        const quarter = pastQuarter(n);
        const tm = await term(termInQuarter(quarter));
        const early = tm.censusDate;
        const late = addDays(early, 10);
        // one place before either census, one between them: the headcount is 1 at `early`, 2 at `late`
        const { programme } = await offerWithPlaces(tm, [addDays(tm.startsOn, -10), addDays(early, 3)]);

        const started = await t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send({ quarter });
        expect(started.status).toBe(202);
        let completed = false;
        const statuses: string[] = [];
        const flip = async (first: string) => {
          for (let i = 0; ; i++) {
            const res = await patch(tm.id, { censusDate: i % 2 === 0 ? first : first === early ? late : early });
            statuses.push(res.status === 422 ? `422 ${problemCode(res)}` : String(res.status));
            if (res.status === 422 && completed) return;
            if (i > 2000) throw new Error('the run never billed the term');
          }
        };
        const watch = async () => {
          for (;;) {
            const run = await t.api().get(`/api/v1/billing-runs/${started.body.id}`).set(bearer(t.adminToken));
            if (run.body.status === 'completed') return (completed = true);
            if (run.body.status === 'failed') throw new Error(`run failed: ${run.body.error}`);
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        await Promise.all([watch(), flip(late), flip(early), flip(late)]);

        expect(statuses.filter((s) => s !== '200' && s !== '422 term-billed')).toEqual([]);
        expect(statuses).toContain('422 term-billed');
        const census = (await f.get(`/terms/${tm.id}`)).body.censusDate as string;
        // places counted at the census (a place taken after the census that stays is a late joiner: a line of its own)
        const lines = (await allDocuments(t)).flatMap((d) => d.lines).filter((l: Json) => l.termId === tm.id && l.kind === 'census');
        const billed = lines.reduce((sum: number, l: Json) => sum + l.quantity, 0);
        expect({ quarter, census, billed }).toEqual({ quarter, census, billed: census === early ? 1 : 2 });
        const headcount = await f.get(`/programmes/${programme.id}/terms/${tm.id}/headcount`);
        expect(headcount.body).toMatchObject({ censusDate: census, count: billed, frozen: true });
      }
    }, 120_000);

    it('withdrawals racing a census move keep or release their money by the census that stays', async () => {
      for (const year of [2028, 2029, 2030]) {
        const tm = await term({ name: `Spring ${year}`, startsOn: `${year}-01-06`, endsOn: `${year}-03-29`, censusDate: `${year}-02-01` });
        const { registrations } = await offerWithPlaces(tm, [londonToday(), londonToday(), londonToday(), londonToday()]);
        // effective between the two census dates: kept at the current census, released at the new one
        const [moved, ...withdrawals] = await Promise.all([
          patch(tm.id, { censusDate: `${year}-02-15` }),
          ...registrations.map((r) => f.withdraw(r.id, { reason: 'Moved away', effectiveOn: `${year}-02-08` })),
        ]);
        expect(withdrawals.map((w) => w.status)).toEqual([200, 200, 200, 200]);
        expect([200, 422]).toContain(moved.status);
        if (moved.status === 422) expect(problemCode(moved)).toBe('census-settles-withdrawals');
        const { rows } = await t.db.query(
          `SELECT r.committed_pence AS committed,
                  CASE WHEN counts_at_census(r.registered_on, r.withdrawal_effective_on, t.census_date) THEN r.price_pence ELSE 0 END AS expected
             FROM registrations r JOIN terms t ON t.id = r.term_id WHERE r.term_id = $1`,
          [tm.id],
        );
        expect(rows.filter((r: Json) => r.committed !== r.expected)).toEqual([]);
      }
    }, 120_000);

    it('sessions created while the term is shortened end up inside it, whichever wins', async () => {
      for (const year of [2045, 2046, 2047, 2048]) {
        const tm = await term({ name: `Spring ${year}`, startsOn: `${year}-01-06`, endsOn: `${year}-03-29`, censusDate: `${year}-02-01` });
        const programmes = await Promise.all([1, 2, 3].map(() => f.offer(tm).then((o) => o.programme)));
        // each programme-term already exists (a session in the part of the term that stays)
        for (const programme of programmes) await f.session(programme.id, { date: `${year}-01-10` });
        const dates = [`${year}-03-02`, `${year}-03-09`, `${year}-03-16`];
        const [shortened, ...sessions] = await Promise.all([
          patch(tm.id, { endsOn: `${year}-02-28` }),
          ...programmes.flatMap((p) =>
            dates.map((date) => t.api().post(`/api/v1/programmes/${p.id}/sessions`).set(bearer(t.adminToken)).send({ date, startTime: '10:00', endTime: '15:00' })),
          ),
        ]);
        const created = sessions.filter((s) => s.status === 201).length;
        expect(sessions.every((s) => s.status === 201 || s.status === 422)).toBe(true);
        expect([200, 422]).toContain(shortened.status);
        if (shortened.status === 200) expect(created).toBe(0);
        else expect({ code: problemCode(shortened), created: created > 0 }).toEqual({ code: 'sessions-outside-term', created: true });
        const { rows } = await t.db.query(
          `SELECT count(*)::int AS n FROM sessions s JOIN terms t ON t.id = s.term_id WHERE s.date NOT BETWEEN t.starts_on AND t.ends_on`,
        );
        expect(rows[0].n).toBe(0);
      }
    }, 120_000);
  });
});
