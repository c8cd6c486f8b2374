import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import request from 'supertest';
import { addDays, factories, londonToday } from './factories.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Rule 1 (no session ever holds more registered participants than its capacity) and rule 3's money
 * under real concurrency: many simultaneous HTTP requests, and two API processes on one database.
 */
describe('registrations under concurrency', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let commissionerId: string;
  let termId: string;
  let sessionDates: string[];

  beforeAll(async () => {
    t = await createTestApp({ env: { DATABASE_POOL_SIZE: '20' } });
    f = factories(t);
    commissionerId = (await f.commissioner()).id;
    // a term whose census is ahead: places taken today are counted at the census (full price), not late
    // joiners priced by the sessions left (API v1.1)
    const today = londonToday();
    termId = (await f.term({ name: 'Current', startsOn: addDays(today, -30), censusDate: addDays(today, 10), endsOn: addDays(today, 60) })).id;
    sessionDates = [addDays(today, -20), addDays(today, 5), addDays(today, 20)];
  });
  afterAll(() => t?.close());

  async function programmeWithSessions(capacity = 12) {
    const programme = await f.programme({ capacity });
    await f.contract(commissionerId, [programme.id], { reference: `C-${programme.id}` });
    const sessions = [];
    for (const date of sessionDates) sessions.push(await f.session(programme.id, { date }));
    return { programmeId: programme.id, sessionIds: sessions.map((s) => s.id) };
  }

  /** n participants aged 13, each with a managed budget that can pay `terms` terms at £450. */
  async function participantsWithBudgets(n: number, terms = 2) {
    const out: Array<{ participantId: string; budgetId: string }> = [];
    for (let i = 0; i < n; i++) {
      const p = await f.participant({ firstName: `P${i}` });
      const b = await f.budget(p.id, commissionerId, { amountPence: 45000 * terms, validFrom: addDays(londonToday(), -400), validTo: addDays(londonToday(), 400) });
      out.push({ participantId: p.id, budgetId: b.id });
    }
    return out;
  }

  const register = (baseUrl: string, programmeId: string, pb: { participantId: string; budgetId: string }) =>
    request(baseUrl)
      .post('/api/v1/registrations')
      .set(bearer(t.adminToken))
      .send({ ...pb, programmeId, termId });

  async function counts(programmeId: string) {
    const { rows } = await t.db.query(
      `SELECT (SELECT registered FROM programme_terms WHERE programme_id = $1 AND term_id = $2) AS pt_registered,
              (SELECT count(*)::int FROM registrations WHERE programme_id = $1 AND term_id = $2 AND status = 'registered') AS registered,
              (SELECT count(*)::int FROM registrations WHERE programme_id = $1 AND term_id = $2 AND status = 'waitlisted') AS waitlisted,
              (SELECT array_agg(DISTINCT booked) FROM sessions WHERE programme_id = $1 AND term_id = $2) AS booked`,
      [programmeId, termId],
    );
    return rows[0] as { pt_registered: number; registered: number; waitlisted: number; booked: number[] };
  }

  async function waitlistPositions(programmeId: string): Promise<number[]> {
    const res = await t
      .api()
      .get(`/api/v1/registrations?programmeId=${programmeId}&termId=${termId}&status=waitlisted&limit=200`)
      .set(bearer(t.adminToken))
      .expect(200);
    return res.body.items.map((r: { waitlistPosition: number }) => r.waitlistPosition).sort((a: number, b: number) => a - b);
  }

  it('50 concurrent registrations for 12 places: exactly 12 registered, 38 waitlisted at positions 1..38', async () => {
    const { programmeId, sessionIds } = await programmeWithSessions(12);
    const people = await participantsWithBudgets(50);
    const responses = await Promise.all(people.map((pb) => register(t.baseUrl, programmeId, pb)));

    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const statuses = responses.map((r) => r.body.status);
    expect(statuses.filter((s) => s === 'registered')).toHaveLength(12);
    expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(38);
    // positions handed out in the responses are 1..38, each once
    const given = responses.filter((r) => r.body.status === 'waitlisted').map((r) => r.body.waitlistPosition).sort((a, b) => a - b);
    expect(given).toEqual(Array.from({ length: 38 }, (_, i) => i + 1));
    expect(await waitlistPositions(programmeId)).toEqual(Array.from({ length: 38 }, (_, i) => i + 1));

    expect(await counts(programmeId)).toEqual({ pt_registered: 12, registered: 12, waitlisted: 38, booked: [12] });
    for (const id of sessionIds) {
      const s = await t.api().get(`/api/v1/sessions/${id}`).set(bearer(t.adminToken)).expect(200);
      expect(s.body).toMatchObject({ capacity: 12, booked: 12, available: 0 });
    }
    // money was committed for the 12 registered only
    const { rows } = await t.db.query(
      `SELECT r.status, b.committed_pence FROM registrations r JOIN personal_budgets b ON b.id = r.budget_id
        WHERE r.programme_id = $1`,
      [programmeId],
    );
    for (const row of rows) expect(row.committed_pence).toBe(row.status === 'registered' ? 45000 : 0);
  });

  /**
   * Rounds of simultaneous withdrawals and new registrations. After every round: no session over
   * capacity, the counts agree, no free place while someone is waiting, and those promoted were
   * always ahead in the queue of those still waiting.
   */
  async function churn(baseUrls: string[], rounds: number) {
    const capacity = 12;
    const { programmeId, sessionIds } = await programmeWithSessions(capacity);
    const people = await participantsWithBudgets(20 + rounds * 6);
    let next = 0;
    const take = (k: number) => people.slice(next, (next += k));
    const url = (i: number) => baseUrls[i % baseUrls.length];

    const joinedWaitlist = new Set<string>();
    const noteWaitlisted = (res: { status: number; body: { status?: string; id?: string } }) => {
      if (res.status === 201 && res.body.status === 'waitlisted') joinedWaitlist.add(res.body.id!);
    };
    const first = await Promise.all(take(20).map((pb, i) => register(url(i), programmeId, pb)));
    expect(first.every((r) => r.status === 201)).toBe(true);
    first.forEach(noteWaitlisted);

    for (let round = 0; round < rounds; round++) {
      const { rows: active } = await t.db.query(
        `SELECT id, status FROM registrations WHERE programme_id = $1 AND term_id = $2 AND status <> 'withdrawn' ORDER BY random()`,
        [programmeId, termId],
      );
      const leaving = [
        ...active.filter((r) => r.status === 'registered').slice(0, 4),
        ...active.filter((r) => r.status === 'waitlisted').slice(0, 1),
      ];
      const ops = [
        ...leaving.map((r, i) =>
          request(url(i)).post(`/api/v1/registrations/${r.id}/withdraw`).set(bearer(t.adminToken)).send({ reason: 'churn' }),
        ),
        ...take(6).map((pb, i) => register(url(i + 1), programmeId, pb)),
        ...sessionIds.map((id, i) => request(url(i)).get(`/api/v1/sessions/${id}`).set(bearer(t.adminToken))),
      ];
      const results = await Promise.all(ops);
      for (const res of results) {
        expect(res.status).toBeLessThan(300);
        noteWaitlisted(res);
        if (res.body.capacity !== undefined) expect(res.body.booked).toBeLessThanOrEqual(res.body.capacity);
      }

      const c = await counts(programmeId);
      expect(c.booked).toEqual([c.registered]);
      expect(c.pt_registered).toBe(c.registered);
      expect(c.registered).toBeLessThanOrEqual(capacity);
      if (c.waitlisted > 0) expect(c.registered).toBe(capacity);
      expect(await waitlistPositions(programmeId)).toEqual(Array.from({ length: c.waitlisted }, (_, i) => i + 1));

      // everyone promoted from the waitlist was ahead, in the queue, of everyone still waiting
      const { rows: order } = await t.db.query(
        `SELECT max(queue_seq) FILTER (WHERE registered_on IS NOT NULL) AS last_promoted,
                min(queue_seq) FILTER (WHERE status = 'waitlisted') AS first_waiting
           FROM registrations WHERE id = ANY($1::uuid[])`,
        [[...joinedWaitlist]],
      );
      if (order[0].last_promoted !== null && order[0].first_waiting !== null) {
        expect(Number(order[0].last_promoted)).toBeLessThan(Number(order[0].first_waiting));
      }
    }
    return { programmeId, promoted: (await t.db.query(`SELECT count(*)::int AS n FROM registrations WHERE id = ANY($1::uuid[]) AND registered_on IS NOT NULL`, [[...joinedWaitlist]])).rows[0].n };
  }

  it('churn: simultaneous withdrawals and registrations never overfill a session and promote in order', async () => {
    const { promoted } = await churn([t.baseUrl], 8);
    expect(promoted).toBeGreaterThan(0); // the scenario did exercise promotion
  });

  describe('with the API running as two processes on one database', () => {
    let child: ChildProcess;
    let childUrl: string;

    beforeAll(async () => {
      const port = 20000 + Math.floor(Math.random() * 20000);
      child = spawn(process.execPath, ['dist/src/main.js', 'api'], {
        env: {
          ...process.env,
          DATABASE_URL: t.databaseUrl,
          REDIS_URL: t.config.redisUrl,
          PORT: String(port),
          BULL_PREFIX: t.config.bullPrefix,
          LOG_LEVEL: 'warn',
          BOOTSTRAP_ADMIN_TOKEN: '',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      childUrl = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      for (;;) {
        const ready = await fetch(`${childUrl}/health/ready`).then((r) => r.ok, () => false);
        if (ready) break;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('the second API process did not start');
        await new Promise((r) => setTimeout(r, 200));
      }
    });
    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    });

    it('50 concurrent registrations split across both processes: exactly 12 registered', async () => {
      const { programmeId } = await programmeWithSessions(12);
      const people = await participantsWithBudgets(50);
      const responses = await Promise.all(people.map((pb, i) => register(i % 2 ? childUrl : t.baseUrl, programmeId, pb)));
      expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
      expect(responses.filter((r) => r.body.status === 'registered')).toHaveLength(12);
      expect(await counts(programmeId)).toEqual({ pt_registered: 12, registered: 12, waitlisted: 38, booked: [12] });
      expect(await waitlistPositions(programmeId)).toEqual(Array.from({ length: 38 }, (_, i) => i + 1));
    });

    it('churn across both processes keeps every rule', async () => {
      const { promoted } = await churn([t.baseUrl, childUrl], 6);
      expect(promoted).toBeGreaterThan(0);
    });
  });

  it('two registrations racing for one budget that can pay only one: exactly one succeeds', async () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const a = await programmeWithSessions(12);
      const b = await programmeWithSessions(12);
      const p = await f.participant();
      const budget = await f.budget(p.id, commissionerId, { amountPence: 45000, validFrom: addDays(londonToday(), -400), validTo: addDays(londonToday(), 400) });
      const [ra, rb] = await Promise.all([
        register(t.baseUrl, a.programmeId, { participantId: p.id, budgetId: budget.id }),
        register(t.baseUrl, b.programmeId, { participantId: p.id, budgetId: budget.id }),
      ]);
      expect([ra.status, rb.status].sort()).toEqual([201, 422]);
      const refused = ra.status === 422 ? ra : rb;
      expect(refused.body.type).toMatch(/insufficient-budget$/);
      const after = await t.api().get(`/api/v1/budgets/${budget.id}`).set(bearer(t.adminToken)).expect(200);
      expect(after.body).toMatchObject({ committedPence: 45000, remainingPence: 0 });
    }
  });
});
