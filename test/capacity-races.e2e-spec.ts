import request from 'supertest';
import { addDays, factories, londonToday, type TermDates } from './factories.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Rule 1 when capacities change while people register and withdraw (issue 8, items 9 and 10): a
 * programme capacity change, new sessions, registrations and withdrawals on one programme, all at once
 * over real HTTP. Every path locks the programme row first (FOR KEY SHARE; a capacity change FOR
 * UPDATE), then its programme_terms rows — the lock order written in
 * migrations/1764320000000-RegistrationLockOrder.ts — so a capacity cut and the first registrations of
 * a new term serialise, and nothing deadlocks.
 *
 * Each race runs for several rounds, each on a fresh programme, and collects what went wrong in every
 * round before failing, so a failure says in how many rounds of how many it happened.
 */
describe('capacity changes racing registrations, withdrawals and new sessions', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let term: TermDates;
  let commissioner: { id: string };
  let people: Array<{ participant: { id: string }; budget: { id: string } }>;
  const today = londonToday();

  beforeAll(async () => {
    t = await createTestApp({ env: { DATABASE_POOL_SIZE: '20' } });
    f = factories(t);
    term = await f.term({ name: 'Current', startsOn: addDays(today, -30), censusDate: addDays(today, 10), endsOn: addDays(today, 60) });
    commissioner = await f.commissioner();
    // 18 applicants whose budgets can pay for a place in every round of every test
    people = await Promise.all(
      Array.from({ length: 18 }, () => f.applicant(term, commissioner.id, { budget: { amountPence: 45000 * 100 } })),
    );
  });
  afterAll(() => t?.close());

  const patchProgramme = (id: string, body: object) =>
    request(t.baseUrl).patch(`/api/v1/programmes/${id}`).set(bearer(t.adminToken)).send(body);
  const postSession = (programmeId: string, body: object) =>
    request(t.baseUrl).post(`/api/v1/programmes/${programmeId}/sessions`).set(bearer(t.adminToken)).send(body);
  const register = (programme: { id: string }, who: (typeof people)[number]) =>
    request(t.baseUrl).post('/api/v1/registrations').set(bearer(t.adminToken)).send(f.registrationOf(who.participant, programme, term, who.budget));
  const withdraw = (id: string) =>
    request(t.baseUrl).post(`/api/v1/registrations/${id}/withdraw`).set(bearer(t.adminToken)).send({ reason: 'Family moved away' });

  /**
   * What is wrong with a programme's counts right now, if anything: its places must be min(programme
   * capacity, each session's capacity), its registered count must match the registrations and fit its
   * places, every session must book exactly the registered, and nobody may wait while a place is free.
   */
  async function violations(programmeId: string): Promise<string[]> {
    const { rows } = await t.db.query(
      `SELECT pt.term_id, pt.places, pt.registered, p.capacity,
              (SELECT min(s.capacity) FROM sessions s WHERE s.programme_id = pt.programme_id AND s.term_id = pt.term_id) AS min_session,
              (SELECT array_agg(DISTINCT s.booked) FROM sessions s WHERE s.programme_id = pt.programme_id AND s.term_id = pt.term_id) AS booked,
              (SELECT count(*)::int FROM registrations r WHERE r.programme_id = pt.programme_id AND r.term_id = pt.term_id AND r.status = 'registered') AS counted,
              (SELECT count(*)::int FROM registrations r WHERE r.programme_id = pt.programme_id AND r.term_id = pt.term_id AND r.status = 'waitlisted') AS waiting
         FROM programme_terms pt JOIN programmes p ON p.id = pt.programme_id
        WHERE pt.programme_id = $1`,
      [programmeId],
    );
    const out: string[] = [];
    for (const r of rows) {
      const places = Math.min(r.capacity, r.min_session ?? r.capacity);
      if (r.places !== places) out.push(`places ${r.places}, but capacity ${r.capacity} and smallest session ${r.min_session}`);
      if (r.registered !== r.counted) out.push(`programme_terms counts ${r.registered}, registrations say ${r.counted}`);
      if (r.counted > places) out.push(`${r.counted} registered on ${places} places`);
      if (r.booked && (r.booked.length !== 1 || r.booked[0] !== r.counted)) out.push(`sessions book ${r.booked} for ${r.counted} registered`);
      if (r.waiting > 0 && r.counted < places) out.push(`${r.waiting} waiting while ${places - r.counted} places are free`);
    }
    return out;
  }

  const statusesOf = (responses: Array<{ status: number }>) => responses.map((r) => r.status).join(',');

  it('a capacity cut racing the first registrations of a new term never over-fills it (item 9)', async () => {
    const rounds = 20;
    const failures: string[] = [];
    for (let round = 0; round < rounds; round++) {
      // a new programme: its programme-term row does not exist until the first registration
      const { programme } = await f.offer(term, { commissioner });
      const [cut, ...registrations] = await Promise.all([
        patchProgramme(programme.id, { capacity: 2 }),
        ...people.slice(0, 12).map((who) => register(programme, who)),
      ]);
      const capacity = (await f.get(`/programmes/${programme.id}`)).body.capacity;
      const problems = await violations(programme.id);
      if (![200, 422].includes(cut.status)) problems.push(`PATCH answered ${cut.status}`);
      if (cut.status === 200 && capacity !== 2) problems.push(`PATCH succeeded but capacity is ${capacity}`);
      if (cut.status === 422 && capacity !== 12) problems.push(`PATCH refused but capacity is ${capacity}`);
      if (registrations.some((r) => r.status !== 201)) problems.push(`registrations answered ${statusesOf(registrations)}`);
      if (problems.length) failures.push(`round ${round + 1}/${rounds} (PATCH ${cut.status}): ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('programme PATCHes during withdrawals and promotions never deadlock into a 500 (item 10)', async () => {
    const rounds = 4;
    const failures: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const { programme } = await f.offer(term, { commissioner });
      await f.session(programme.id, { date: addDays(term.startsOn, 40) });
      const placed = await Promise.all(people.map((who) => register(programme, who)));
      const registered = placed.filter((r) => r.body.status === 'registered').map((r) => r.body.id as string);
      const waiting = placed.filter((r) => r.body.status === 'waitlisted').map((r) => r.body.id as string);
      expect([registered.length, waiting.length]).toEqual([12, 6]);

      // capacities 6..12 (some below the registered count: 422), beside 10 registered and 6 waiting
      // registrations withdrawing (each registered one promotes someone while anyone waits)
      const capacities = [6, 11, 9, 7, 12, 10, 8, 6, 11, 9];
      const responses = await Promise.all([
        ...registered.slice(0, 10).map(withdraw),
        ...capacities.map((capacity, i) => patchProgramme(programme.id, { capacity, name: `Arts Pioneers ${round}.${i}` })),
        ...waiting.map(withdraw),
      ]);
      const patches = responses.slice(10, 20);
      const withdrawals = [...responses.slice(0, 10), ...responses.slice(20)];
      const problems = await violations(programme.id);
      if (patches.some((r) => ![200, 422].includes(r.status))) problems.push(`PATCHes answered ${statusesOf(patches)}`);
      if (withdrawals.some((r) => r.status !== 200)) problems.push(`withdrawals answered ${statusesOf(withdrawals)}`);
      if (problems.length) failures.push(`round ${round + 1}/${rounds}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('new sessions, registrations and capacity changes on one programme at once: no 500, places always fit (sessions)', async () => {
    const rounds = 8;
    const failures: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const { programme } = await f.offer(term, { commissioner });
      // the programme-term exists (one registration) in even rounds, not yet in odd ones
      const first = round % 2 === 0 ? [await register(programme, people[17])] : [];
      const responses = await Promise.all([
        patchProgramme(programme.id, { capacity: 4 }),
        ...[5, 12, 19].map((d, i) => postSession(programme.id, { date: addDays(term.startsOn, 35 + d), startTime: '10:00', endTime: '15:00', capacity: i === 1 ? 6 : undefined })),
        ...people.slice(0, 6).map((who) => register(programme, who)),
        patchProgramme(programme.id, { capacity: 9 }),
      ]);
      const problems = await violations(programme.id);
      const [cut, ...rest] = responses;
      const sessions = rest.slice(0, 3);
      const registrations = [...first, ...rest.slice(3, 9)];
      const raise = rest[9];
      if (![cut, raise].every((r) => [200, 422].includes(r.status))) problems.push(`PATCHes answered ${cut.status},${raise.status}`);
      if (sessions.some((r) => ![201, 422].includes(r.status))) problems.push(`sessions answered ${statusesOf(sessions)}`);
      if (registrations.some((r) => r.status !== 201)) problems.push(`registrations answered ${statusesOf(registrations)}`);
      if (problems.length) failures.push(`round ${round + 1}/${rounds}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
