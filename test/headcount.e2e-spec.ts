import { randomUUID } from 'node:crypto';
import { addDays, type Body, factories, londonToday, type TermDates } from './factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Headcounts and uptake (API.md "Headcounts", the issue's uptake view): the census rule through the
 * API — registered at the end of the census date, i.e. registered on or before it and not withdrawn
 * effective on or before it — split by commissioner and budget type, priced, and compared with the
 * contracts' minimum.
 *
 * `registeredOn` corrections put places on dates around the census, so the census must be behind us:
 * the current term's census was 30 days ago. A second term starts in 40 days.
 */
describe('headcount and uptake', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  const today = londonToday();
  let term: TermDates;
  let nextTerm: TermDates;

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    term = await f.term({ name: 'Current', startsOn: addDays(today, -60), censusDate: addDays(today, -30), endsOn: addDays(today, 30) });
    nextTerm = await f.term({ name: 'Next', startsOn: addDays(today, 40), censusDate: addDays(today, 60), endsOn: addDays(today, 120) });
  });
  afterAll(() => t?.close());

  const headcount = async (programmeId: string, termId = term.id) => {
    const res = await f.get(`/programmes/${programmeId}/terms/${termId}/headcount`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const uptake = async (programmeId: string, termId = term.id) => {
    const res = await f.get(`/programmes/${programmeId}/terms/${termId}/uptake`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const coveringContract = (d: TermDates, overrides: Body = {}) => ({ startsOn: addDays(d.startsOn, -400), endsOn: addDays(d.endsOn, 400), ...overrides });
  const directPayment = { type: 'direct_payment', holderName: 'Alex Smith', holderEmail: 'alex@example.org' };

  describe('the census boundary, by commissioner', () => {
    let programme: { id: string };
    let cambs: { id: string };
    let essex: { id: string };

    beforeAll(async () => {
      const offer = await f.offer(term, { contract: { pricePerTermPence: 45000, minParticipants: 6 } });
      programme = offer.programme;
      cambs = offer.commissioner;
      essex = await f.commissioner({ name: 'Essex County Council' });
      await f.contract(essex.id, [programme.id], coveringContract(term, { pricePerTermPence: 50000, minParticipants: 2 }));
    });

    const on = (registeredOn: string, commissionerId: string, budget: Body = {}) =>
      f.registered(term, programme, commissionerId, { budget, registration: { registeredOn } });

    it('starts at zero, below the larger minimum of the covering contracts', async () => {
      expect(await headcount(programme.id)).toEqual({
        programmeId: programme.id,
        termId: term.id,
        censusDate: term.censusDate,
        count: 0,
        byCommissioner: [],
        minParticipants: 6,
        belowMinimum: true,
        lateJoiners: 0, // v1.1: the headcount gains a count of late joiners
        frozen: false,
      });
    });

    it('counts those registered at the end of the census date, split by commissioner and budget type', async () => {
      // counts: registered on the census date
      await on(term.censusDate, cambs.id);
      // counts: a direct payment registered on the first day
      await on(term.startsOn, cambs.id, directPayment);
      // does not count: registered the day after the census
      await on(addDays(term.censusDate, 1), cambs.id);
      // does not count: registered today, long after the census
      await f.registered(term, programme, cambs.id);
      // does not count: withdrawn effective on the census date
      const leftOnCensus = await on(term.startsOn, essex.id);
      expect((await f.withdraw(leftOnCensus.registration.id, { reason: 'moved', effectiveOn: term.censusDate })).status).toBe(200);
      // counts: withdrawn effective the day after the census
      const leftAfter = await on(term.startsOn, essex.id);
      expect(leftAfter.registration.pricePence).toBe(50000);
      expect((await f.withdraw(leftAfter.registration.id, { reason: 'moved', effectiveOn: addDays(term.censusDate, 1) })).status).toBe(200);

      const h = await headcount(programme.id);
      expect(h).toMatchObject({ programmeId: programme.id, termId: term.id, censusDate: term.censusDate, count: 3, minParticipants: 6, belowMinimum: true, frozen: false });
      const byId = (a: { commissionerId: string }, b: { commissionerId: string }) => a.commissionerId.localeCompare(b.commissionerId);
      expect([...h.byCommissioner].sort(byId)).toEqual(
        [
          // issue 10: each entry names its commissioner as well
          { commissionerId: cambs.id, commissionerName: 'Cambridgeshire County Council', count: 2, managedCount: 1, directPaymentCount: 1, pricePerTermPence: 45000, incomePence: 90000 },
          { commissionerId: essex.id, commissionerName: 'Essex County Council', count: 1, managedCount: 1, directPaymentCount: 0, pricePerTermPence: 50000, incomePence: 50000 },
        ].sort(byId),
      );
    });

    it('reaching the minimum is not below it', async () => {
      for (let i = 0; i < 2; i++) await on(term.censusDate, essex.id, directPayment);
      await on(term.startsOn, cambs.id);
      const h = await headcount(programme.id);
      expect(h).toMatchObject({ count: 6, minParticipants: 6, belowMinimum: false });
      expect(h.byCommissioner.find((c: { commissionerId: string }) => c.commissionerId === essex.id)).toEqual({
        commissionerId: essex.id,
        commissionerName: 'Essex County Council',
        count: 3,
        managedCount: 1,
        directPaymentCount: 2,
        pricePerTermPence: 50000,
        incomePence: 150000,
      });
      expect(h.byCommissioner.find((c: { commissionerId: string }) => c.commissionerId === cambs.id)).toMatchObject({
        count: 3,
        managedCount: 2,
        directPaymentCount: 1,
        incomePence: 135000,
      });
    });
  });

  it('never counts a waitlisted registration, nor one promoted after the census', async () => {
    const offer = await f.offer(term, { programme: { capacity: 1 } });
    const holder = await f.registered(term, offer.programme, offer.commissioner.id, { registration: { registeredOn: term.startsOn } });
    const waiting = await f.registered(term, offer.programme, offer.commissioner.id, { registration: { registeredOn: term.startsOn } });
    expect(waiting.registration).toMatchObject({ status: 'waitlisted', registeredOn: null });
    expect(await headcount(offer.programme.id)).toMatchObject({ count: 1 });

    // the holder leaves after the census (still counted); the waiting one is promoted today, after the census
    expect((await f.withdraw(holder.registration.id, { reason: 'moved', effectiveOn: addDays(term.censusDate, 1) })).status).toBe(200);
    expect((await f.get(`/registrations/${waiting.registration.id}`)).body).toMatchObject({ status: 'registered', registeredOn: today });
    const h = await headcount(offer.programme.id);
    expect(h).toMatchObject({ count: 1, byCommissioner: [{ commissionerId: offer.commissioner.id, count: 1, managedCount: 1 }] });
  });

  it('has no minimum when no covering contract sets one', async () => {
    const offer = await f.offer(term);
    await f.registered(term, offer.programme, offer.commissioner.id, { registration: { registeredOn: term.startsOn } });
    expect(await headcount(offer.programme.id)).toMatchObject({ count: 1, minParticipants: null, belowMinimum: false });
  });

  it('counts places taken today for a term whose census is ahead', async () => {
    const offer = await f.offer(nextTerm, { contract: { minParticipants: 3 } });
    for (let i = 0; i < 2; i++) await f.registered(nextTerm, offer.programme, offer.commissioner.id);
    expect(await headcount(offer.programme.id, nextTerm.id)).toMatchObject({
      censusDate: nextTerm.censusDate,
      count: 2,
      byCommissioner: [{ commissionerId: offer.commissioner.id, count: 2, incomePence: 90000 }],
      minParticipants: 3,
      belowMinimum: true,
    });
  });

  it('an unknown programme or term is 404, a malformed id 400', async () => {
    const { programme } = await f.offer(term);
    for (const path of ['headcount', 'uptake']) {
      expect((await f.get(`/programmes/${randomUUID()}/terms/${term.id}/${path}`)).status).toBe(404);
      expect((await f.get(`/programmes/${programme.id}/terms/${randomUUID()}/${path}`)).status).toBe(404);
      expect((await f.get(`/programmes/x/terms/${term.id}/${path}`)).status).toBe(400);
      expect((await f.get(`/programmes/${programme.id}/terms/2026-autumn/${path}`)).status).toBe(400);
    }
  });

  describe('uptake', () => {
    it('shows places, take-up, the headcount as at the census, the minimum, the income and each session’s free places', async () => {
      const cambs = await f.commissioner();
      const { programme } = await f.offer(term, { commissioner: cambs, programme: { capacity: 5 }, contract: { minParticipants: 3 } });
      const essex = await f.commissioner({ name: 'Essex County Council' });
      await f.contract(essex.id, [programme.id], coveringContract(term, { pricePerTermPence: 50000, minParticipants: 1 }));
      const big = await f.session(programme.id, { date: addDays(term.startsOn, 5) });
      const small = await f.session(programme.id, { date: addDays(term.startsOn, 12), startTime: '13:00', endTime: '16:30', capacity: 4 });

      await f.registered(term, programme, cambs.id, { registration: { registeredOn: term.censusDate } }); // counts
      await f.registered(term, programme, essex.id, { registration: { registeredOn: term.startsOn } }); // counts
      await f.registered(term, programme, cambs.id, { registration: { registeredOn: addDays(term.censusDate, 1) } }); // after the census
      await f.registered(term, programme, cambs.id); // today
      const waiting = await f.registered(term, programme, cambs.id);
      expect(waiting.registration.status).toBe('waitlisted');

      expect(await uptake(programme.id)).toEqual({
        programmeId: programme.id,
        termId: term.id,
        censusDate: term.censusDate,
        places: 4,
        registered: 4,
        waitlisted: 1,
        headcountSoFar: 2,
        minParticipants: 3,
        belowMinimum: true,
        projectedIncomePence: 95000,
        sessions: [
          // the small session sets the places (4), so the big one has none free either
          { id: big.id, date: addDays(term.startsOn, 5), startTime: '10:00', endTime: '15:00', capacity: 5, booked: 4, available: 0 },
          { id: small.id, date: addDays(term.startsOn, 12), startTime: '13:00', endTime: '16:30', capacity: 4, booked: 4, available: 0 },
        ],
      });
    });

    it('before the census, counts the headcount as at today', async () => {
      const { programme, commissioner } = await f.offer(nextTerm, { programme: { capacity: 3 }, contract: { minParticipants: 2 } });
      const first = await f.registered(nextTerm, programme, commissioner.id);
      await f.registered(nextTerm, programme, commissioner.id);
      const u = await uptake(programme.id, nextTerm.id);
      expect(u).toMatchObject({
        censusDate: nextTerm.censusDate,
        places: 3,
        registered: 2,
        waitlisted: 0,
        headcountSoFar: 2,
        minParticipants: 2,
        belowMinimum: false,
        projectedIncomePence: 90000,
        sessions: [],
      });
      // a withdrawal frees the place at once, but one effective after today still counts in the headcount
      // *as at today* (the documented meaning of headcountSoFar before the census)
      expect((await f.withdraw(first.registration.id, { reason: 'moved', effectiveOn: nextTerm.startsOn })).status).toBe(200);
      expect(await uptake(programme.id, nextTerm.id)).toMatchObject({ registered: 1, waitlisted: 0, headcountSoFar: 2, projectedIncomePence: 90000 });
      expect(await headcount(programme.id, nextTerm.id)).toMatchObject({ count: 1 });
    });
  });
});
