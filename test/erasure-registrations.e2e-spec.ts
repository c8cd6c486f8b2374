import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import request from 'supertest';
import { addDays, factories, londonToday, type TermDates } from './factories.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Erasure and registrations (issue 8, items 12 and 13):
 * - a waitlisted registration of an erased participant is never promoted: erasure withdraws it (a
 *   neutral reason; it held no money and no place), promotion skips erased participants, and placing
 *   a registration refuses an erased participant — also when erasure races the request;
 * - erasure leaves no free text about the child: a withdrawal reason is replaced like a note body,
 *   also one written after (or while) the record is erased.
 *
 * The races that matter are pinned with a lock the test holds: one request is made to wait inside its
 * transaction (on a row the test has locked) while the other runs, then the lock is released. On the
 * old code each of these fails on its first round.
 */
describe('erasure and registrations', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let term: TermDates;
  const today = londonToday();

  beforeAll(async () => {
    t = await createTestApp({ env: { DATABASE_POOL_SIZE: '20' } });
    f = factories(t);
    term = await f.term({ name: 'Current', startsOn: addDays(today, -30), censusDate: addDays(today, 10), endsOn: addDays(today, 60) });
  });
  afterAll(() => t?.close());

  const ERASURE_REASON = 'Withdrawn because the participant record was erased';
  const erase = (participantId: string) =>
    request(t.baseUrl).post(`/api/v1/participants/${participantId}/erase`).set(bearer(t.adminToken)).send({ reason: 'Right-to-erasure request from the family' });
  const withdraw = (id: string, reason = 'Family moved away') =>
    request(t.baseUrl).post(`/api/v1/registrations/${id}/withdraw`).set(bearer(t.adminToken)).send({ reason });
  const registration = async (id: string) => (await f.get(`/registrations/${id}`)).body;
  const committed = async (budgetId: string) => (await f.get(`/budgets/${budgetId}`)).body.committedPence;

  /** A one-place programme: A holds the place, B and C wait in that order. Each has an attendance row with a note. */
  async function fullWithQueue() {
    const offer = await f.offer(term, { programme: { capacity: 1 } });
    const session = await f.session(offer.programme.id, { date: addDays(term.startsOn, 40) });
    const [a, b, c] = [
      await f.registered(term, offer.programme, offer.commissioner.id),
      await f.registered(term, offer.programme, offer.commissioner.id),
      await f.registered(term, offer.programme, offer.commissioner.id),
    ];
    expect([a, b, c].map((x) => x.registration.status)).toEqual(['registered', 'waitlisted', 'waitlisted']);
    for (const x of [a, b, c]) {
      await t.db.query(
        `INSERT INTO attendance (session_id, participant_id, status, note, recorded_by) VALUES ($1, $2, 'present', 'Quiet today', 'test')`,
        [session.id, x.participant.id],
      );
    }
    return { offer, session, a, b, c };
  }

  /** Holds a row lock from the test's own connection until release() (the row must exist). */
  async function holdLock(sql: string, params: unknown[]): Promise<() => Promise<void>> {
    const client: pg.PoolClient = await t.db.connect();
    await client.query('BEGIN');
    const { rowCount } = await client.query(sql, params);
    expect(rowCount).toBe(1);
    return async () => {
      await client.query('COMMIT');
      client.release();
    };
  }

  /** How many of the service's connections are waiting for a lock right now. */
  async function waitingForLocks(): Promise<number> {
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
      [t.databaseName],
    );
    return rows[0].n;
  }

  async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A request started now, whose answer can be awaited later; `done` says whether it has answered. */
  function started(req: request.Test) {
    const tracked = { done: false, response: undefined as unknown as Promise<request.Response> };
    tracked.response = req.then((res) => {
      tracked.done = true;
      return res;
    });
    return tracked;
  }

  const expectWithdrawnByErasure = async (waiting: { registration: { id: string }; budget: { id: string } }) => {
    expect(await registration(waiting.registration.id)).toMatchObject({
      status: 'withdrawn',
      registeredOn: null,
      committedPence: 0,
      withdrawalReason: ERASURE_REASON,
    });
    expect(await committed(waiting.budget.id)).toBe(0);
  };

  describe('a waitlisted registration of an erased participant is never promoted (item 12)', () => {
    it('erasure withdraws it with a neutral reason, releasing nothing; a later freed place goes to the next in the queue', async () => {
      const { a, b, c } = await fullWithQueue();
      expect((await erase(b.participant.id)).status).toBe(200);
      await expectWithdrawnByErasure(b);
      expect(await registration(c.registration.id)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });

      expect((await withdraw(a.registration.id)).status).toBe(200);
      expect(await registration(c.registration.id)).toMatchObject({ status: 'registered', registeredOn: today, committedPence: 45000 });
      await expectWithdrawnByErasure(b);
    });

    it('promotion passes over an erased participant still waiting (records erased before this rule existed)', async () => {
      const { a, b, c } = await fullWithQueue();
      await t.db.query('UPDATE participants SET erased_at = now() WHERE id = $1', [b.participant.id]);
      expect((await withdraw(a.registration.id)).status).toBe(200);
      expect(await registration(b.registration.id)).toMatchObject({ status: 'waitlisted', committedPence: 0 });
      expect(await committed(b.budget.id)).toBe(0);
      expect(await registration(c.registration.id)).toMatchObject({ status: 'registered' });
    });

    it('erasure under way while a withdrawal frees a place: the withdrawal waits for it and promotes the next one', async () => {
      const { a, b, c } = await fullWithQueue();
      // erasure stops (on B's attendance row) after locking B and withdrawing B's registration
      const release = await holdLock('SELECT 1 FROM attendance WHERE participant_id = $1 FOR UPDATE', [b.participant.id]);
      const erasing = started(erase(b.participant.id));
      await until(async () => (await waitingForLocks()) >= 1, 'the erasure waits');
      const withdrawing = started(withdraw(a.registration.id));
      await until(async () => withdrawing.done || (await waitingForLocks()) >= 2, 'the withdrawal answers or waits');
      await release();
      expect([(await erasing.response).status, (await withdrawing.response).status]).toEqual([200, 200]);
      await expectWithdrawnByErasure(b);
      expect(await registration(c.registration.id)).toMatchObject({ status: 'registered', committedPence: 45000 });
    });

    it('withdrawal under way while the next in the queue is erased: the erasure does not wait for it, and the place skips the erased one', async () => {
      const { a, b, c } = await fullWithQueue();
      // the withdrawal stops (releasing A's money) holding the programme-term and A's registration
      const release = await holdLock('SELECT 1 FROM personal_budgets WHERE id = $1 FOR UPDATE', [a.budget.id]);
      const withdrawing = started(withdraw(a.registration.id));
      await until(async () => (await waitingForLocks()) >= 1, 'the withdrawal waits');
      const erased = await erase(b.participant.id); // must not wait for the withdrawal (lock order)
      expect(erased.status).toBe(200);
      expect(withdrawing.done).toBe(false);
      await release();
      expect((await withdrawing.response).status).toBe(200);
      await expectWithdrawnByErasure(b);
      expect(await registration(c.registration.id)).toMatchObject({ status: 'registered', committedPence: 45000 });
    });

    it('a registration racing the erasure of its participant is refused (422), never left waiting or registered', async () => {
      const { offer, session } = await fullWithQueue();
      const d = await f.applicant(term, offer.commissioner.id);
      await t.db.query(`INSERT INTO attendance (session_id, participant_id, status, note, recorded_by) VALUES ($1, $2, 'absent', 'Ill', 'test')`, [
        session.id,
        d.participant.id,
      ]);
      const release = await holdLock('SELECT 1 FROM attendance WHERE participant_id = $1 FOR UPDATE', [d.participant.id]);
      const erasing = started(erase(d.participant.id));
      await until(async () => (await waitingForLocks()) >= 1, 'the erasure waits');
      const registering = started(f.register(f.registrationOf(d.participant, offer.programme, term, d.budget)));
      await until(async () => registering.done || (await waitingForLocks()) >= 2, 'the registration answers or waits');
      await release();
      expect((await erasing.response).status).toBe(200);
      const refused = await registering.response;
      expect(refused.status).toBe(422);
      expect(refused.body.type).toMatch(/participant-erased$/);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'participantId' })]);
      const { rows } = await t.db.query('SELECT status FROM registrations WHERE participant_id = $1', [d.participant.id]);
      expect(rows).toEqual([]);
      expect(await committed(d.budget.id)).toBe(0);
    });

    it('erasures, withdrawals and registrations at once, round after round: no deadlock, no erased participant left waiting', async () => {
      const rounds = 10;
      const failures: string[] = [];
      for (let round = 0; round < rounds; round++) {
        const { offer, a, b, c } = await fullWithQueue();
        const d = await f.applicant(term, offer.commissioner.id);
        const e = await f.applicant(term, offer.commissioner.id);
        const responses = await Promise.all([
          erase(b.participant.id),
          withdraw(a.registration.id),
          f.register(f.registrationOf(d.participant, offer.programme, term, d.budget)),
          erase(d.participant.id),
          f.register(f.registrationOf(e.participant, offer.programme, term, e.budget)),
          withdraw(c.registration.id),
        ]);
        const problems: string[] = [];
        const expected = [[200], [200], [201, 422], [200], [201], [200]];
        responses.forEach((r, i) => {
          if (!expected[i].includes(r.status)) problems.push(`request ${i} answered ${r.status} ${JSON.stringify(r.body)}`);
        });
        const { rows } = await t.db.query(
          `SELECT r.status, p.erased_at IS NOT NULL AS erased, r.committed_pence, r.price_pence
             FROM registrations r JOIN participants p ON p.id = r.participant_id WHERE r.programme_id = $1`,
          [offer.programme.id],
        );
        for (const r of rows) {
          if (r.erased && r.status === 'waitlisted') problems.push('an erased participant is still waiting');
          if ((r.status === 'registered') !== (r.committed_pence === r.price_pence)) problems.push(`a ${r.status} registration holds ${r.committed_pence}`);
        }
        const registered = rows.filter((r) => r.status === 'registered').length;
        if (registered > 1) problems.push(`${registered} registered on 1 place`);
        if (problems.length) failures.push(`round ${round + 1}/${rounds}: ${problems.join('; ')}`);
      }
      expect(failures).toEqual([]);
    }, 300_000);
  });

  describe('erasure leaves no free text about the child (item 13)', () => {
    it('replaces a withdrawal reason; the subject access export no longer shows it', async () => {
      const offer = await f.offer(term);
      const { participant, registration: r } = await f.registered(term, offer.programme, offer.commissioner.id);
      expect((await withdraw(r.id, 'hospital admission for seizures')).status).toBe(200);
      expect((await erase(participant.id)).status).toBe(200);
      expect(await registration(r.id)).toMatchObject({ status: 'withdrawn', withdrawalReason: '[erased]', committedPence: 0 });
      const exported = await f.get(`/participants/${participant.id}/export`);
      expect(exported.status).toBe(200);
      expect(exported.body.registrations).toEqual([expect.objectContaining({ id: r.id, withdrawalReason: '[erased]' })]);
      expect(JSON.stringify(exported.body)).not.toMatch(/seizures/);
    });

    it('a reason given when withdrawing an erased participant’s registration is not stored', async () => {
      const offer = await f.offer(term);
      const { participant, registration: r, budget } = await f.registered(term, offer.programme, offer.commissioner.id);
      expect((await erase(participant.id)).status).toBe(200);
      const res = await withdraw(r.id, 'moved into residential care after the assault');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'withdrawn', withdrawalReason: '[erased]', committedPence: 0 });
      expect(await registration(r.id)).toMatchObject({ withdrawalReason: '[erased]' });
      expect(await committed(budget.id)).toBe(0);
    });

    it('a withdrawal under way when the erasure starts: erasure waits for it and erases its reason', async () => {
      const offer = await f.offer(term);
      const { participant, registration: r, budget } = await f.registered(term, offer.programme, offer.commissioner.id);
      const release = await holdLock('SELECT 1 FROM personal_budgets WHERE id = $1 FOR UPDATE', [budget.id]);
      const withdrawing = started(withdraw(r.id, 'hospital admission for seizures'));
      await until(async () => (await waitingForLocks()) >= 1, 'the withdrawal waits');
      const erasing = started(erase(participant.id));
      await until(async () => erasing.done || (await waitingForLocks()) >= 2, 'the erasure answers or waits');
      await release();
      expect([(await withdrawing.response).status, (await erasing.response).status]).toEqual([200, 200]);
      expect(await registration(r.id)).toMatchObject({ status: 'withdrawn', withdrawalReason: '[erased]' });
    });

    it('no column of any table holds a word of the child’s free text after erasure', async () => {
      const mark = `zq${randomBytes(4).toString('hex')}`;
      const commissioner = await f.commissioner();
      const offers = [await f.offer(term, { commissioner }), await f.offer(term, { commissioner, programme: { capacity: 1 } }), await f.offer(term, { commissioner })];
      const session = await f.session(offers[0].programme.id, { date: addDays(term.startsOn, 40) });
      const child = await f.participant({
        firstName: `${mark}first`,
        lastName: `${mark}last`,
        guardians: [{ name: `${mark}guardian`, relationship: 'mother', phone: '07700 900123', email: `${mark}.guardian@example.org` }],
        emergencyContacts: [{ name: `${mark}contact`, phone: '07700 900456' }],
        needs: `${mark} needs ear defenders`,
        medicalNotes: `${mark} epilepsy`,
      });
      const budget = await f.budget(child.id, commissioner.id, {
        type: 'direct_payment',
        holderName: `${mark}holder`,
        holderEmail: `${mark}.holder@example.org`,
        amountPence: 45000 * 3,
        validFrom: addDays(term.startsOn, -30),
        validTo: addDays(term.endsOn, 30),
      });
      // registered (with attendance and a note about a session), waiting behind someone, and withdrawn with a reason
      const registered = await f.register(f.registrationOf(child, offers[0].programme, term, budget));
      await f.registered(term, offers[1].programme, commissioner.id);
      const waiting = await f.register(f.registrationOf(child, offers[1].programme, term, budget));
      const left = await f.register(f.registrationOf(child, offers[2].programme, term, budget));
      expect([registered.body.status, waiting.body.status, left.body.status]).toEqual(['registered', 'waitlisted', 'registered']);
      expect((await withdraw(left.body.id, `${mark} hospital admission`)).status).toBe(200);
      const attended = await t
        .api()
        .put(`/api/v1/sessions/${session.id}/attendance/${child.id}`)
        .set(bearer(t.adminToken))
        .send({ status: 'present', note: `${mark} upset at drop-off` });
      expect(attended.status).toBe(200);
      for (const category of ['progress', 'safeguarding']) {
        const note = await t
          .api()
          .post(`/api/v1/participants/${child.id}/case-notes`)
          .set(bearer(t.adminToken))
          .set('Idempotency-Key', randomUUID())
          .send({ category, body: `${mark} said something`, occurredAt: new Date().toISOString(), sessionId: session.id, authorName: `${mark}worker` });
        expect(note.status).toBe(201);
        const amended = await t
          .api()
          .post(`/api/v1/case-notes/${note.body.id}/amendments`)
          .set(bearer(t.adminToken))
          .set('Idempotency-Key', randomUUID())
          .send({ body: `${mark} said more`, reason: `${mark} asked to add it` });
        expect(amended.status).toBe(201);
      }
      const before = await tablesHolding(mark);
      expect(Object.keys(before)).toEqual(expect.arrayContaining(['participants', 'personal_budgets', 'registrations', 'attendance', 'case_note_versions']));

      expect((await erase(child.id)).status).toBe(200);
      expect(await tablesHolding(mark)).toEqual({});
      const exported = await f.get(`/participants/${child.id}/export`);
      expect(JSON.stringify(exported.body)).not.toContain(mark);
      expect(await registration(waiting.body.id)).toMatchObject({ status: 'withdrawn', withdrawalReason: ERASURE_REASON });
    });
  });

  /** Every table (and how many of its rows) whose rows' text contains `mark` anywhere. */
  async function tablesHolding(mark: string): Promise<Record<string, number>> {
    const { rows: tables } = await t.db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const found: Record<string, number> = {};
    for (const { table_name: table } of tables) {
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM "${table}" t WHERE t::text ILIKE '%' || $1 || '%'`, [mark]);
      if (rows[0].n > 0) found[table] = rows[0].n;
    }
    return found;
  }
});
