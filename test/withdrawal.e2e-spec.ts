import { addDays, factories, londonToday, type TermDates } from './factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Budgets, the waitlist and withdrawals (DOMAIN.md rule 3, API.md "Registrations"): what registering,
 * waiting, withdrawing and promotion commit and release, waitlist order, and withdrawal dates.
 *
 * Three terms around today (London): one that ended, the current one (census still ahead) and one
 * that has not started.
 */
describe('budgets, waitlist and withdrawal', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  const today = londonToday();
  let term: TermDates;
  let pastTerm: TermDates;
  let futureTerm: TermDates;

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    term = await f.term({ name: 'Current', startsOn: addDays(today, -30), censusDate: addDays(today, 10), endsOn: addDays(today, 60) });
    pastTerm = await f.term({ name: 'Past', startsOn: addDays(today, -200), censusDate: addDays(today, -170), endsOn: addDays(today, -100) });
    futureTerm = await f.term({ name: 'Next', startsOn: addDays(today, 100), censusDate: addDays(today, 130), endsOn: addDays(today, 200) });
  });
  afterAll(() => t?.close());

  const budget = async (id: string) => {
    const res = await f.get(`/budgets/${id}`);
    expect(res.status).toBe(200);
    return res.body as { amountPence: number; committedPence: number; remainingPence: number };
  };
  const registration = async (id: string) => {
    const res = await f.get(`/registrations/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const session = async (id: string) => (await f.get(`/sessions/${id}`)).body;
  const waitlistOf = async (programmeId: string, termId: string) => {
    const res = await f.get(`/registrations?programmeId=${programmeId}&termId=${termId}&status=waitlisted`);
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ id: string; waitlistPosition: number }>).map((r) => [r.id, r.waitlistPosition]);
  };

  describe('money committed against budgets', () => {
    it('registering commits the termly price; waiting commits nothing', async () => {
      const offer = await f.offer(term, { programme: { capacity: 1 } });
      const first = await f.registered(term, offer.programme, offer.commissioner.id, { budget: { amountPence: 100000 } });
      expect(first.registration).toMatchObject({ status: 'registered', pricePence: 45000, committedPence: 45000 });
      expect(await budget(first.budget.id)).toMatchObject({ amountPence: 100000, committedPence: 45000, remainingPence: 55000 });

      const second = await f.registered(term, offer.programme, offer.commissioner.id, { budget: { amountPence: 100000 } });
      expect(second.registration).toMatchObject({ status: 'waitlisted', pricePence: 45000, committedPence: 0, registeredOn: null });
      expect(await budget(second.budget.id)).toMatchObject({ committedPence: 0, remainingPence: 100000 });
    });

    it('a waitlisted registration still needs a budget that could pay', async () => {
      const offer = await f.offer(term, { programme: { capacity: 1 } });
      await f.registered(term, offer.programme, offer.commissioner.id);
      const { participant, budget: poor } = await f.applicant(term, offer.commissioner.id, { budget: { amountPence: 44999 } });
      const res = await f.register(f.registrationOf(participant, offer.programme, term, poor));
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'budgetId' })]);
    });

    it.each([
      ['on the census date', 0, 0],
      ['before the census date (backdated to the first day)', 0, 'start'],
      ['the day after the census date', 45000, 1],
    ] as const)('a withdrawal effective %s leaves %d pence committed', async (_when, committed, offset) => {
      const offer = await f.offer(term);
      const { registration: r, budget: b } = await f.registered(term, offer.programme, offer.commissioner.id, { budget: { amountPence: 50000 } });
      const effectiveOn = offset === 'start' ? term.startsOn : addDays(term.censusDate, offset);
      const res = await f.withdraw(r.id, { reason: 'Family moved away', effectiveOn });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'withdrawn', withdrawalEffectiveOn: effectiveOn, committedPence: committed });
      expect(await budget(b.id)).toMatchObject({ committedPence: committed, remainingPence: 50000 - committed });
    });

    it('withdrawing a waitlisted registration releases nothing (it held nothing)', async () => {
      const offer = await f.offer(term, { programme: { capacity: 1 } });
      const holder = await f.registered(term, offer.programme, offer.commissioner.id);
      const waiting = await f.registered(term, offer.programme, offer.commissioner.id, { budget: { amountPence: 60000 } });
      const res = await f.withdraw(waiting.registration.id, { reason: 'Changed mind', effectiveOn: term.startsOn });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'withdrawn', committedPence: 0, registeredOn: null });
      expect(await budget(waiting.budget.id)).toMatchObject({ committedPence: 0, remainingPence: 60000 });
      expect(await budget(holder.budget.id)).toMatchObject({ committedPence: 45000 });
    });

    it('promotion from the waitlist commits the promoted registration’s money', async () => {
      const offer = await f.offer(term, { programme: { capacity: 1 } });
      const holder = await f.registered(term, offer.programme, offer.commissioner.id);
      const waiting = await f.registered(term, offer.programme, offer.commissioner.id, { budget: { amountPence: 70000 } });
      expect(await budget(waiting.budget.id)).toMatchObject({ committedPence: 0 });
      expect((await f.withdraw(holder.registration.id, { reason: 'moved', effectiveOn: term.censusDate })).status).toBe(200);
      expect(await registration(waiting.registration.id)).toMatchObject({ status: 'registered', committedPence: 45000 });
      expect(await budget(waiting.budget.id)).toMatchObject({ committedPence: 45000, remainingPence: 25000 });
      expect(await budget(holder.budget.id)).toMatchObject({ committedPence: 0 });
    });

    it('passes over a waitlisted registration whose budget no longer suffices, and promotes the next one', async () => {
      const commissioner = await f.commissioner();
      const club = await f.offer(term, { commissioner, programme: { capacity: 1 } });
      const elsewhere = await f.offer(term, { commissioner, programme: { name: 'Holiday Club' } });
      const holder = await f.registered(term, club.programme, commissioner.id);
      const spender = await f.registered(term, club.programme, commissioner.id, { budget: { amountPence: 45000 } });
      const next = await f.registered(term, club.programme, commissioner.id);
      expect([spender.registration.waitlistPosition, next.registration.waitlistPosition]).toEqual([1, 2]);

      // meanwhile the first in the queue spends the whole budget on another programme
      const spent = await f.register(f.registrationOf(spender.participant, elsewhere.programme, term, spender.budget));
      expect(spent.body).toMatchObject({ status: 'registered' });
      expect(await budget(spender.budget.id)).toMatchObject({ committedPence: 45000, remainingPence: 0 });

      expect((await f.withdraw(holder.registration.id)).status).toBe(200);
      expect(await registration(next.registration.id)).toMatchObject({ status: 'registered', registeredOn: today, committedPence: 45000 });
      expect(await registration(spender.registration.id)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1, committedPence: 0 });
      expect(await budget(spender.budget.id)).toMatchObject({ committedPence: 45000, remainingPence: 0 });
      expect(await budget(next.budget.id)).toMatchObject({ committedPence: 45000 });
    });

    // Known bug (src/registrations/registrations.service.ts register(), `hasPlace` decided from the count alone;
    // waitlist.ts runs only on withdrawal and capacity changes): a waiting registration passed over for want of
    // money is never reconsidered once its money is back, so a newcomer takes the free place ahead of it.
    it('a newcomer does not take a free place ahead of an earlier waiting registration that can now pay', async () => {
      const commissioner = await f.commissioner();
      const club = await f.offer(term, { commissioner, programme: { capacity: 1 } });
      const elsewhere = await f.offer(term, { commissioner, programme: { name: 'Holiday Club' } });
      const holder = await f.registered(term, club.programme, commissioner.id);
      const waiting = await f.registered(term, club.programme, commissioner.id, { budget: { amountPence: 45000 } });
      const spent = await f.register(f.registrationOf(waiting.participant, elsewhere.programme, term, waiting.budget));
      expect(spent.body.status).toBe('registered');
      // the place is freed while the waiting one cannot pay: passed over, nobody else is waiting
      expect((await f.withdraw(holder.registration.id)).status).toBe(200);
      expect(await registration(waiting.registration.id)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
      // its money comes back (withdrawn from the other programme before the census)
      expect((await f.withdraw(spent.body.id, { reason: 'chose the club', effectiveOn: term.startsOn })).status).toBe(200);
      expect(await budget(waiting.budget.id)).toMatchObject({ remainingPence: 45000 });

      const newcomer = await f.registered(term, club.programme, commissioner.id);
      expect({
        waiting: (await registration(waiting.registration.id)).status,
        newcomer: (await registration(newcomer.registration.id)).status,
      }).toEqual({ waiting: 'registered', newcomer: 'waitlisted' });
    });

    it('a withdrawal from an ended term defaults to its last day, after the census: the money stays committed', async () => {
      const offer = await f.offer(pastTerm);
      const { registration: r, budget: b } = await f.registered(pastTerm, offer.programme, offer.commissioner.id, {
        registration: { registeredOn: pastTerm.startsOn },
      });
      const res = await f.withdraw(r.id, { reason: 'Left the area' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'withdrawn', withdrawalEffectiveOn: pastTerm.endsOn, committedPence: 45000 });
      expect(await budget(b.id)).toMatchObject({ committedPence: 45000 });
    });
    // v1.1 (rule 12) refines this: a late joiner is billed pro rata (here the full price: the
    // programme-term has no session), so it keeps its money once it held the place; a withdrawal
    // effective on the day it took the place means it never did, and releases it.
    it('a registration that took its place after the census, withdrawn effective that same day, releases the money', async () => {
      const offer = await f.offer(pastTerm);
      const { registration: r, budget: b } = await f.registered(pastTerm, offer.programme, offer.commissioner.id, {
        registration: { registeredOn: addDays(pastTerm.censusDate, 1) },
      });
      expect(await budget(b.id)).toMatchObject({ committedPence: 45000 });
      const res = await f.withdraw(r.id, { reason: 'Left the area', effectiveOn: addDays(pastTerm.censusDate, 1) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'withdrawn', committedPence: 0 });
      expect(await budget(b.id)).toMatchObject({ committedPence: 0 });
      // and one withdrawn after it held the place keeps what it will be billed
      const kept = await f.registered(pastTerm, offer.programme, offer.commissioner.id, { registration: { registeredOn: addDays(pastTerm.censusDate, 1) } });
      expect((await f.withdraw(kept.registration.id, { reason: 'Left', effectiveOn: addDays(pastTerm.censusDate, 5) })).body).toMatchObject({ committedPence: 45000 });
    });

    it('registering for a term that has ended needs registeredOn (a correction), else 422', async () => {
      const offer = await f.offer(pastTerm);
      const { participant, budget: b } = await f.applicant(pastTerm, offer.commissioner.id);
      const res = await f.register(f.registrationOf(participant, offer.programme, pastTerm, b));
      expect(res.status).toBe(422);
      expect(res.body.type).toMatch(/term-ended$/);
      expect(await budget(b.id)).toMatchObject({ committedPence: 0 });
    });

    it('withdrawing from an ended term promotes nobody into it', async () => {
      const offer = await f.offer(pastTerm, { programme: { capacity: 1 } });
      const first = await f.registered(pastTerm, offer.programme, offer.commissioner.id, { registration: { registeredOn: pastTerm.startsOn } });
      const second = await f.registered(pastTerm, offer.programme, offer.commissioner.id, { registration: { registeredOn: pastTerm.startsOn } });
      expect(second.registration.status).toBe('waitlisted');
      await f.withdraw(first.registration.id, { reason: 'Left', effectiveOn: pastTerm.startsOn });
      expect((await registration(second.registration.id)).status).toBe('waitlisted');
      expect(await budget(second.budget.id)).toMatchObject({ committedPence: 0 });
    });

    /**
     * An ended term whose places (min(programme capacity, session capacity)) are all taken, and one
     * registration waiting: every registration recorded as a correction (registeredOn).
     */
    async function endedTermFull(capacities: { programme: number; session: number }) {
      const offer = await f.offer(pastTerm, { programme: { capacity: capacities.programme } });
      const session = await f.session(offer.programme.id, { date: addDays(pastTerm.startsOn, 14), capacity: capacities.session });
      const holder = await f.registered(pastTerm, offer.programme, offer.commissioner.id, { registration: { registeredOn: pastTerm.startsOn } });
      const waiting = await f.registered(pastTerm, offer.programme, offer.commissioner.id, { registration: { registeredOn: pastTerm.startsOn } });
      expect([holder.registration.status, waiting.registration.status]).toEqual(['registered', 'waitlisted']);
      return { offer, session, holder, waiting };
    }

    const stillWaiting = async (waiting: { registration: { id: string }; budget: { id: string } }) => {
      expect(await registration(waiting.registration.id)).toMatchObject({ status: 'waitlisted', registeredOn: null, committedPence: 0 });
      expect(await budget(waiting.budget.id)).toMatchObject({ committedPence: 0 });
    };

    it('a registration recorded on an ended term takes the free place itself and promotes nobody (issue 8, item 11)', async () => {
      const { offer, holder, waiting } = await endedTermFull({ programme: 1, session: 1 });
      expect((await f.withdraw(holder.registration.id, { reason: 'Left', effectiveOn: pastTerm.startsOn })).status).toBe(200);
      await stillWaiting(waiting);
      const late = await f.registered(pastTerm, offer.programme, offer.commissioner.id, { registration: { registeredOn: pastTerm.censusDate } });
      expect(late.registration).toMatchObject({ status: 'registered', registeredOn: pastTerm.censusDate });
      // the waiting one is not given a place dated after the term, nor its budget charged for a place never billed
      await stillWaiting(waiting);
    });

    it.each([
      ['the programme', 'programme', { programme: 1, session: 2 }],
      ['the session', 'session', { programme: 2, session: 1 }],
    ] as const)('a larger capacity of %s on an ended term promotes nobody', async (_what, which, capacities) => {
      const { offer, session, waiting } = await endedTermFull(capacities);
      const path = which === 'programme' ? `/api/v1/programmes/${offer.programme.id}` : `/api/v1/sessions/${session.id}`;
      const res = await t.api().patch(path).set('Authorization', `Bearer ${t.adminToken}`).send({ capacity: 2 });
      expect(res.status).toBe(200);
      await stillWaiting(waiting);
      expect((await f.get(`/programmes/${offer.programme.id}/terms/${pastTerm.id}/uptake`)).body).toMatchObject({ places: 2, registered: 1, waitlisted: 1 });
    });
  });

  describe('the waitlist', () => {
    it('numbers those waiting 1..n in arrival order, and closes the gap when one of them withdraws', async () => {
      const offer = await f.offer(term, { programme: { capacity: 1 } });
      const holder = await f.registered(term, offer.programme, offer.commissioner.id);
      expect(holder.registration).toMatchObject({ status: 'registered', waitlistPosition: null });
      const waiting = [];
      for (let i = 0; i < 4; i++) waiting.push((await f.registered(term, offer.programme, offer.commissioner.id)).registration);
      expect(waiting.map((r) => [r.status, r.waitlistPosition])).toEqual([
        ['waitlisted', 1],
        ['waitlisted', 2],
        ['waitlisted', 3],
        ['waitlisted', 4],
      ]);
      expect(await waitlistOf(offer.programme.id, term.id)).toEqual(waiting.map((r, i) => [r.id, i + 1]));

      const res = await f.withdraw(waiting[1].id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'withdrawn', waitlistPosition: null });
      expect(await waitlistOf(offer.programme.id, term.id)).toEqual([
        [waiting[0].id, 1],
        [waiting[2].id, 2],
        [waiting[3].id, 3],
      ]);
      expect((await registration(waiting[3].id)).waitlistPosition).toBe(3);
      // a waiting registration leaving frees no place: nobody is promoted
      expect(await registration(holder.registration.id)).toMatchObject({ status: 'registered' });
      expect((await f.get(`/registrations?programmeId=${offer.programme.id}&termId=${term.id}&status=registered`)).body.items).toHaveLength(1);
    });

    it('a registered withdrawal promotes the earliest waiting registration in the same request', async () => {
      const offer = await f.offer(term, { programme: { capacity: 2 } });
      const s = await f.session(offer.programme.id, { date: addDays(term.startsOn, 7) });
      const [a, b] = [
        await f.registered(term, offer.programme, offer.commissioner.id, { registration: { registeredOn: term.startsOn } }),
        await f.registered(term, offer.programme, offer.commissioner.id, { registration: { registeredOn: term.startsOn } }),
      ];
      const queue = [];
      for (let i = 0; i < 3; i++) queue.push((await f.registered(term, offer.programme, offer.commissioner.id)).registration);
      expect(await session(s.id)).toMatchObject({ capacity: 2, booked: 2, available: 0 });

      const res = await f.withdraw(b.registration.id, { reason: 'Moved school' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: b.registration.id, status: 'withdrawn', withdrawalReason: 'Moved school' });

      expect(await registration(queue[0].id)).toMatchObject({ status: 'registered', waitlistPosition: null, registeredOn: today });
      expect(await waitlistOf(offer.programme.id, term.id)).toEqual([
        [queue[1].id, 1],
        [queue[2].id, 2],
      ]);
      expect(await session(s.id)).toMatchObject({ capacity: 2, booked: 2, available: 0 });
      expect(await registration(a.registration.id)).toMatchObject({ status: 'registered', registeredOn: term.startsOn });
      const { rows } = await t.db.query('SELECT places, registered FROM programme_terms WHERE programme_id = $1 AND term_id = $2', [
        offer.programme.id,
        term.id,
      ]);
      expect(rows).toEqual([{ places: 2, registered: 2 }]);
    });

    it('with nobody waiting, a withdrawal frees the place on every session', async () => {
      const offer = await f.offer(term, { programme: { capacity: 3 } });
      const s1 = await f.session(offer.programme.id, { date: addDays(term.startsOn, 7) });
      const s2 = await f.session(offer.programme.id, { date: addDays(term.startsOn, 35) });
      const r = await f.registered(term, offer.programme, offer.commissioner.id);
      await f.registered(term, offer.programme, offer.commissioner.id);
      expect([await session(s1.id), await session(s2.id)]).toMatchObject([
        { booked: 2, available: 1 },
        { booked: 2, available: 1 },
      ]);
      expect((await f.withdraw(r.registration.id)).status).toBe(200);
      expect([await session(s1.id), await session(s2.id)]).toMatchObject([
        { booked: 1, available: 2 },
        { booked: 1, available: 2 },
      ]);
    });
  });

  describe('withdrawal dates', () => {
    let offer: Awaited<ReturnType<typeof f.offer>>;
    beforeAll(async () => {
      offer = await f.offer(term);
    });

    it.each([
      ['the day before the term starts', () => addDays(term.startsOn, -1)],
      ['the day after the term ends', () => addDays(term.endsOn, 1)],
    ])('refuses an effectiveOn %s (422), leaving the registration as it was', async (_when, date) => {
      const { registration: r, budget: b } = await f.registered(term, offer.programme, offer.commissioner.id);
      const res = await f.withdraw(r.id, { reason: 'moved', effectiveOn: date() });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'effectiveOn' })]);
      expect(res.body.detail).toMatch(/effectiveOn: must fall within the term/);
      expect(await registration(r.id)).toMatchObject({ status: 'registered', withdrawalEffectiveOn: null, committedPence: 45000 });
      expect(await budget(b.id)).toMatchObject({ committedPence: 45000 });
    });

    it.each([
      ['backdated to the first day of the term', () => term.startsOn],
      ['on the last day of the term', () => term.endsOn],
    ])('accepts and stores an effectiveOn %s', async (_when, date) => {
      const { registration: r } = await f.registered(term, offer.programme, offer.commissioner.id);
      const res = await f.withdraw(r.id, { reason: 'moved', effectiveOn: date() });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'withdrawn', withdrawalEffectiveOn: date(), withdrawalReason: 'moved' });
      expect(new Date(res.body.withdrawnAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(await registration(r.id)).toMatchObject({ status: 'withdrawn', withdrawalEffectiveOn: date() });
    });

    it('defaults to today during the term', async () => {
      const { registration: r } = await f.registered(term, offer.programme, offer.commissioner.id);
      const res = await f.withdraw(r.id, { reason: 'moved' });
      expect(res.body).toMatchObject({ status: 'withdrawn', withdrawalEffectiveOn: today });
    });

    it('defaults to the first day of a term that has not started', async () => {
      const next = await f.offer(futureTerm);
      const { registration: r, budget: b } = await f.registered(futureTerm, next.programme, next.commissioner.id);
      const res = await f.withdraw(r.id, { reason: 'moved' });
      expect(res.body).toMatchObject({ status: 'withdrawn', withdrawalEffectiveOn: futureTerm.startsOn, committedPence: 0 });
      expect(await budget(b.id)).toMatchObject({ committedPence: 0 });
    });

    it('refuses to withdraw twice (422), keeping the first withdrawal', async () => {
      const { registration: r } = await f.registered(term, offer.programme, offer.commissioner.id);
      expect((await f.withdraw(r.id, { reason: 'first', effectiveOn: term.censusDate })).status).toBe(200);
      const again = await f.withdraw(r.id, { reason: 'second', effectiveOn: addDays(term.censusDate, 1) });
      expect(again.status).toBe(422);
      expect(again.body.detail).toMatch(/already withdrawn/);
      expect(await registration(r.id)).toMatchObject({ withdrawalReason: 'first', withdrawalEffectiveOn: term.censusDate });
    });
  });

  describe('locks', () => {
    it("does not wait for a billing run that holds the registration (the ledger's key-share lock)", async () => {
      const offer = await f.offer(term);
      const { registration: r } = await f.registered(term, offer.programme, offer.commissioner.id);
      const billing = await t.db.connect();
      try {
        await billing.query('BEGIN');
        // what inserting a billing_ledger row referencing the registration holds until the run commits
        await billing.query('SELECT 1 FROM registrations WHERE id = $1 FOR KEY SHARE', [r.id]);
        const res = await f.withdraw(r.id).timeout(15_000);
        expect(res.status).toBe(200);
      } finally {
        await billing.query('COMMIT');
        billing.release();
      }
    });
  });
});
