import { addDays, factories, londonToday, type TermDates } from './factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { expectProblem } from './support/problem.js';
import { PROBLEM_TYPE_BASE } from '../src/common/problem.js';

/**
 * Capacity (DOMAIN.md rule 1, API.md sessions' booked/available): a programme-term's places are
 * min(programme capacity, each session's capacity); sessions book every registered participant; a
 * session or capacity change that would not fit them is refused; a larger capacity promotes the waitlist.
 * (The same rule under concurrency is test/registrations-concurrency.e2e-spec.ts.)
 */
describe('capacity', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  const today = londonToday();
  let term: TermDates;
  const day = (n: number) => addDays(term.startsOn, n);

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    term = await f.term({ name: 'Current', startsOn: addDays(today, -30), censusDate: addDays(today, 10), endsOn: addDays(today, 60) });
  });
  afterAll(() => t?.close());

  const registerMany = async (offer: Awaited<ReturnType<typeof f.offer>>, n: number) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push((await f.registered(term, offer.programme, offer.commissioner.id)).registration);
    return out;
  };
  const statuses = (rs: Array<{ status: string; waitlistPosition: number | null }>) => rs.map((r) => [r.status, r.waitlistPosition]);
  const session = async (id: string) => (await f.get(`/sessions/${id}`)).body;
  const uptake = async (programmeId: string) => (await f.get(`/programmes/${programmeId}/terms/${term.id}/uptake`)).body;
  const registration = async (id: string) => (await f.get(`/registrations/${id}`)).body;
  const countsInDb = async (programmeId: string) => {
    const { rows } = await t.db.query(
      `SELECT (SELECT count(*)::int FROM registrations WHERE programme_id = $1 AND status = 'registered') AS registered,
              (SELECT registered FROM programme_terms WHERE programme_id = $1) AS counted,
              (SELECT places FROM programme_terms WHERE programme_id = $1) AS places,
              (SELECT array_agg(booked ORDER BY date) FROM sessions WHERE programme_id = $1) AS booked`,
      [programmeId],
    );
    return rows[0];
  };

  it('a programme-term without sessions has the programme capacity as its places', async () => {
    const offer = await f.offer(term, { programme: { capacity: 3 } });
    const rs = await registerMany(offer, 4);
    expect(statuses(rs)).toEqual([
      ['registered', null],
      ['registered', null],
      ['registered', null],
      ['waitlisted', 1],
    ]);
    expect(await uptake(offer.programme.id)).toMatchObject({ places: 3, registered: 3, waitlisted: 1, sessions: [] });
    expect(await countsInDb(offer.programme.id)).toEqual({ registered: 3, counted: 3, places: 3, booked: null });
  });

  it("sessions' booked and available follow registrations and withdrawals (waiting ones book nothing)", async () => {
    const offer = await f.offer(term, { programme: { capacity: 3 } });
    const early = await f.session(offer.programme.id, { date: day(5) });
    expect(early).toMatchObject({ capacity: 3, booked: 0, available: 0 + 3 });
    const rs = await registerMany(offer, 2);
    expect(await session(early.id)).toMatchObject({ booked: 2, available: 1 });

    // a session added later books everyone already registered
    const late = await f.session(offer.programme.id, { date: day(40) });
    expect(late).toMatchObject({ capacity: 3, booked: 2, available: 1 });

    rs.push(...(await registerMany(offer, 2)));
    expect(statuses(rs).slice(2)).toEqual([
      ['registered', null],
      ['waitlisted', 1],
    ]);
    expect([await session(early.id), await session(late.id)]).toMatchObject([
      { booked: 3, available: 0 },
      { booked: 3, available: 0 },
    ]);

    // withdrawing a registered one promotes the waiting one: still full
    await f.withdraw(rs[0].id);
    expect([await session(early.id), await session(late.id)]).toMatchObject([{ booked: 3 }, { booked: 3 }]);
    // withdrawing another with nobody waiting frees a place everywhere
    await f.withdraw(rs[1].id);
    expect([await session(early.id), await session(late.id)]).toMatchObject([
      { booked: 2, available: 1 },
      { booked: 2, available: 1 },
    ]);
    const listed = await f.get(`/programmes/${offer.programme.id}/sessions?termId=${term.id}`);
    expect(listed.body.items.map((s: { booked: number; available: number }) => [s.booked, s.available])).toEqual([
      [2, 1],
      [2, 1],
    ]);
    expect(await countsInDb(offer.programme.id)).toEqual({ registered: 2, counted: 2, places: 3, booked: [2, 2] });
  });

  it('a session of capacity 8 caps a 12-place programme at 8 places', async () => {
    const offer = await f.offer(term, { programme: { capacity: 12 } });
    const full = await f.session(offer.programme.id, { date: day(5) });
    const small = await f.session(offer.programme.id, { date: day(12), capacity: 8 });
    expect([full.capacity, small.capacity]).toEqual([12, 8]);
    const rs = await registerMany(offer, 9);
    expect(rs.filter((r) => r.status === 'registered')).toHaveLength(8);
    expect(statuses(rs)[8]).toEqual(['waitlisted', 1]);
    // `available` tells the truth: the 12-seat session has no free place either, the programme-term is full
    expect([await session(full.id), await session(small.id)]).toMatchObject([
      { capacity: 12, booked: 8, available: 0 },
      { capacity: 8, booked: 8, available: 0 },
    ]);
    expect(await uptake(offer.programme.id)).toMatchObject({ places: 8, registered: 8, waitlisted: 1 });
  });

  describe('changes that would not fit the registered participants are refused (422)', () => {
    let offer: Awaited<ReturnType<typeof f.offer>>;
    let existing: { id: string };
    beforeAll(async () => {
      offer = await f.offer(term, { programme: { capacity: 5 } });
      existing = await f.session(offer.programme.id, { date: day(5) });
      await registerMany(offer, 3);
    });

    it('adding a session smaller than the registered count', async () => {
      const res = await t
        .api()
        .post(`/api/v1/programmes/${offer.programme.id}/sessions`)
        .set('Authorization', `Bearer ${t.adminToken}`)
        .send({ date: day(20), startTime: '10:00', endTime: '15:00', capacity: 2 });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'capacity' })]);
      expect(res.body.detail).toMatch(/3 participants are registered/);
      expect((await f.get(`/programmes/${offer.programme.id}/sessions`)).body.items).toHaveLength(1);
      // exactly the registered count fits
      expect(await f.session(offer.programme.id, { date: day(20), capacity: 3 })).toMatchObject({ booked: 3, available: 0 });
      expect(await uptake(offer.programme.id)).toMatchObject({ places: 3, registered: 3 });
    });

    it('lowering a session capacity below the registered count', async () => {
      const res = await t.api().patch(`/api/v1/sessions/${existing.id}`).set('Authorization', `Bearer ${t.adminToken}`).send({ capacity: 2 });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'capacity' })]);
      expect(await session(existing.id)).toMatchObject({ capacity: 5, booked: 3 });
      const fits = await t.api().patch(`/api/v1/sessions/${existing.id}`).set('Authorization', `Bearer ${t.adminToken}`).send({ capacity: 4 });
      expect(fits.status).toBe(200);
      // the other session (capacity 3) still sets the places, so nothing is free on this one either
      expect(fits.body).toMatchObject({ capacity: 4, booked: 3, available: 0 });
    });

    it('lowering the programme capacity below the registered count', async () => {
      const res = await t.api().patch(`/api/v1/programmes/${offer.programme.id}`).set('Authorization', `Bearer ${t.adminToken}`).send({ capacity: 2 });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'capacity' })]);
      expect((await f.get(`/programmes/${offer.programme.id}`)).body.capacity).toBe(5);
      expect(await countsInDb(offer.programme.id)).toMatchObject({ registered: 3, counted: 3, places: 3 });
      const fits = await t.api().patch(`/api/v1/programmes/${offer.programme.id}`).set('Authorization', `Bearer ${t.adminToken}`).send({ capacity: 3 });
      expect(fits.status).toBe(200);
      expect(fits.body.capacity).toBe(3);
    });
  });

  describe('a larger capacity promotes waiting registrations', () => {
    it('raising the programme capacity (no sessions)', async () => {
      const offer = await f.offer(term, { programme: { capacity: 2 } });
      const rs = await registerMany(offer, 4);
      const res = await t.api().patch(`/api/v1/programmes/${offer.programme.id}`).set('Authorization', `Bearer ${t.adminToken}`).send({ capacity: 3 });
      expect(res.status).toBe(200);
      expect(await registration(rs[2].id)).toMatchObject({ status: 'registered', registeredOn: today, committedPence: 45000 });
      expect(await registration(rs[3].id)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
      expect(await uptake(offer.programme.id)).toMatchObject({ places: 3, registered: 3, waitlisted: 1 });
    });

    it('raising a session capacity', async () => {
      const offer = await f.offer(term, { programme: { capacity: 12 } });
      const s = await f.session(offer.programme.id, { date: day(5), capacity: 2 });
      const rs = await registerMany(offer, 4);
      expect(statuses(rs).slice(2)).toEqual([
        ['waitlisted', 1],
        ['waitlisted', 2],
      ]);
      const res = await t.api().patch(`/api/v1/sessions/${s.id}`).set('Authorization', `Bearer ${t.adminToken}`).send({ capacity: 4 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ capacity: 4, booked: 4, available: 0 });
      expect((await Promise.all(rs.map((r) => registration(r.id)))).map((r) => r.status)).toEqual(['registered', 'registered', 'registered', 'registered']);
    });

    it('raising the programme capacity promotes nobody while a smaller session still caps the places', async () => {
      const offer = await f.offer(term, { programme: { capacity: 2 } });
      const s = await f.session(offer.programme.id, { date: day(5), capacity: 2 });
      const rs = await registerMany(offer, 3);
      const res = await t.api().patch(`/api/v1/programmes/${offer.programme.id}`).set('Authorization', `Bearer ${t.adminToken}`).send({ capacity: 4 });
      expect(res.status).toBe(200);
      expect(await registration(rs[2].id)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
      expect(await session(s.id)).toMatchObject({ capacity: 2, booked: 2 });
      expect(await uptake(offer.programme.id)).toMatchObject({ places: 2, registered: 2, waitlisted: 1 });
    });
  });

  describe('validation', () => {
    let programme: { id: string };
    let s: { id: string };
    beforeAll(async () => {
      programme = (await f.offer(term)).programme;
      s = await f.session(programme.id, { date: day(5) });
    });
    const postSession = (body: Record<string, unknown>) =>
      t
        .api()
        .post(`/api/v1/programmes/${programme.id}/sessions`)
        .set('Authorization', `Bearer ${t.adminToken}`)
        .send({ date: day(8), startTime: '10:00', endTime: '15:00', ...body });

    it.each([
      [{ capacity: 13 }, 'capacity'],
      [{ capacity: 0 }, 'capacity'],
      [{ capacity: 2.5 }, 'capacity'],
      [{ capacity: '8' }, 'capacity'],
      [{ date: '2027-02-30' }, 'date'],
      [{ startTime: '25:00' }, 'startTime'],
      [{ booked: 0 }, 'booked'],
    ])('a new session with %j is refused with 400 naming %s', async (body, field) => {
      const res = await postSession(body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('PATCH /sessions/:id onto the start time of another session of the programme that day is refused with 409 duplicate-session', async () => {
      const own = (await f.offer(term)).programme; // the other tests here count the sessions of `programme`
      await f.session(own.id, { date: day(6), startTime: '10:00', endTime: '12:00' });
      const later = await f.session(own.id, { date: day(6), startTime: '13:00', endTime: '15:00' });
      const res = await t.api().patch(`/api/v1/sessions/${later.id}`).set('Authorization', `Bearer ${t.adminToken}`).send({ startTime: '10:00' });
      expectProblem(res, 409);
      expect(res.body.type).toBe(`${PROBLEM_TYPE_BASE}duplicate-session`);
      expect((await session(later.id)).startTime).toMatch(/^13:00/);
    });

    it('a session on a date no term contains is refused with 422 naming the date', async () => {
      const res = await postSession({ date: addDays(term.endsOn, 1) });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'date' })]);
      expect((await f.get(`/programmes/${programme.id}/sessions`)).body.items).toHaveLength(1);
    });

    it.each([
      [{ capacity: 13 }, 'capacity'],
      [{ capacity: 1.5 }, 'capacity'],
      [{ booked: 1 }, 'booked'],
    ])('PATCH /sessions/:id with %j is refused with 400 naming %s', async (body, field) => {
      const res = await t.api().patch(`/api/v1/sessions/${s.id}`).set('Authorization', `Bearer ${t.adminToken}`).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await session(s.id)).toMatchObject({ capacity: 12, booked: 0 });
    });

    it.each([
      [{ capacity: 13 }, 'capacity'],
      [{ capacity: 11.5 }, 'capacity'],
      [{ places: 3 }, 'places'],
    ])('PATCH /programmes/:id with %j is refused with 400 naming %s', async (body, field) => {
      const res = await t.api().patch(`/api/v1/programmes/${programme.id}`).set('Authorization', `Bearer ${t.adminToken}`).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect((await f.get(`/programmes/${programme.id}`)).body.capacity).toBe(12);
    });

    it('malformed session ids are 400, unknown ones 404', async () => {
      expect((await f.get('/sessions/123')).status).toBe(400);
      expect((await f.get('/sessions/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    });
  });
});
