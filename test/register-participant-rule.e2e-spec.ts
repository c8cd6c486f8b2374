import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { addDays, factories, firstOfMonth, londonToday, type TermDates, yearsBefore } from './factories.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * The registration rules have one definition, the SQL function register_participant
 * (migrations/1764550000000-RegisterParticipant.ts), with age_on for the age. These are its cases: each
 * rule on both sides of its boundary, the values each refusal is worded with, and the order in which
 * the rules refuse a request that breaks several (the first one wins). test/registration-rules.e2e-spec.ts
 * checks the same rules through the API.
 */
describe('the registration rules (register_participant)', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let term: TermDates;
  let pastTerm: TermDates;
  let offer: Awaited<ReturnType<typeof f.offer>>;
  const today = londonToday();

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    const startsOn = firstOfMonth(today);
    term = await f.term({ name: 'This term', startsOn, censusDate: addDays(startsOn, 30), endsOn: addDays(startsOn, 150) });
    pastTerm = await f.term({ name: 'Past', startsOn: addDays(startsOn, -200), censusDate: addDays(startsOn, -170), endsOn: addDays(startsOn, -100) });
    offer = await f.offer(term, { programme: { minAge: 11, maxAge: 15 } });
  });
  afterAll(() => t?.close());

  const db = () => t.db as pg.Pool;

  interface Attempt {
    participantId: string;
    programmeId: string;
    termId: string;
    budgetId: string;
    registeredOn?: string | null;
  }

  /** Calls register_participant as the service does; answers its refusal and facts, or the new registration's status. */
  async function register(a: Attempt): Promise<{ refusal: string | null; facts: Record<string, unknown> | null; status: string | null }> {
    const { rows } = await db().query(
      `SELECT refusal, facts, registration->>'status' AS status FROM register_participant($1, $2, $3, $4, $5, NULL, $6)`,
      [a.participantId, a.programmeId, a.termId, a.budgetId, a.registeredOn ?? null, today],
    );
    return rows[0];
  }

  const refusalOf = async (a: Attempt) => (await register(a)).refusal;

  /** A request for a new applicant onto the offer's programme for `on` (default: this term). */
  async function request(options: Parameters<typeof f.applicant>[2] = {}, on: TermDates = term): Promise<Attempt> {
    const { participant, budget } = await f.applicant(on, offer.commissioner.id, options);
    return { participantId: participant.id, programmeId: offer.programme.id, termId: on.id, budgetId: budget.id };
  }

  it('counts age in completed years (age_on); born on 29 February, a year older on 1 March', async () => {
    const { rows } = await db().query(
      `SELECT age_on('2013-09-01', '2026-09-01') AS a, age_on('2013-09-02', '2026-09-01') AS b,
              age_on('2012-02-29', '2027-02-28') AS c, age_on('2012-02-29', '2027-03-01') AS d`,
    );
    expect(rows[0]).toEqual({ a: 13, b: 12, c: 14, d: 15 });
  });

  it('accepts an eligible registration', async () => {
    expect(await register(await request())).toEqual({ refusal: null, facts: null, status: 'registered' });
  });

  it("takes the age on the term's first day, and answers the values the refusal is worded with", async () => {
    const born = (dateOfBirth: string) => request({ participant: { dateOfBirth } });
    expect(await refusalOf(await born(yearsBefore(term.startsOn, 11)))).toBeNull();
    expect(await register(await born(addDays(yearsBefore(term.startsOn, 11), 1)))).toEqual({
      refusal: 'age-out-of-range',
      facts: { age: 10, startsOn: term.startsOn, minAge: 11, maxAge: 15 },
      status: null,
    });
    expect(await refusalOf(await born(addDays(yearsBefore(term.startsOn, 16), 1)))).toBeNull();
    expect(await refusalOf(await born(yearsBefore(term.startsOn, 16)))).toBe('age-out-of-range');
  });

  it("needs the participant's own budget, valid for the whole term", async () => {
    const someoneElse = await request();
    expect(await refusalOf({ ...(await request()), budgetId: someoneElse.budgetId })).toBe('budget-not-participants');

    const validFrom = addDays(term.startsOn, 1);
    const validTo = addDays(term.endsOn, 30);
    expect(await register(await request({ budget: { validFrom, validTo } }))).toEqual({
      refusal: 'budget-not-valid-for-term',
      facts: { validFrom, validTo, startsOn: term.startsOn, endsOn: term.endsOn },
      status: null,
    });
    expect(await refusalOf(await request({ budget: { validTo: addDays(term.endsOn, -1) } }))).toBe('budget-not-valid-for-term');
    expect(await refusalOf(await request({ budget: { validFrom: term.startsOn, validTo: term.endsOn } }))).toBeNull();
  });

  it("needs a contract of the budget's commissioner covering the programme", async () => {
    const commissioner = await f.commissioner();
    const { participant, budget } = await f.applicant(term, commissioner.id);
    const attempt = { participantId: participant.id, programmeId: offer.programme.id, termId: term.id, budgetId: budget.id };
    expect(await refusalOf(attempt)).toBe('no-contract-covers-programme');
  });

  it('needs enough uncommitted money for the price', async () => {
    expect(await register(await request({ budget: { amountPence: 44999 } }))).toEqual({
      refusal: 'insufficient-budget',
      facts: { remainingPence: 44999, pricePence: 45000 },
      status: null,
    });
    expect(await refusalOf(await request({ budget: { amountPence: 45000 } }))).toBeNull();
  });

  it('dates the place today, or a correction within the term: never in the future, nor after the term; an ended term needs a date', async () => {
    expect(await refusalOf({ ...(await request()), registeredOn: addDays(today, 1) })).toBe('registered-on-in-future');
    const past = await request({}, pastTerm);
    const pastOffer = { ...past, programmeId: offer.programme.id };
    expect(await register(pastOffer)).toEqual({ refusal: 'term-ended', facts: { endsOn: pastTerm.endsOn }, status: null });
    expect(await refusalOf({ ...pastOffer, registeredOn: addDays(pastTerm.endsOn, 1) })).toBe('registered-on-after-term');
    expect(await refusalOf({ ...pastOffer, registeredOn: pastTerm.endsOn })).toBeNull();
  });

  it('refuses with the first rule broken: unknown references in order, erased, age, budget owner, validity, contract, money, then the date', async () => {
    const valid = await request();
    const unknown = { participantId: randomUUID(), programmeId: randomUUID(), termId: randomUUID(), budgetId: randomUUID() };
    expect(await refusalOf({ ...valid, ...unknown })).toBe('unknown-participant');
    expect(await refusalOf({ ...valid, ...unknown, participantId: valid.participantId })).toBe('unknown-programme');
    expect(await refusalOf({ ...valid, termId: unknown.termId, budgetId: unknown.budgetId })).toBe('unknown-term');
    expect(await refusalOf({ ...valid, budgetId: unknown.budgetId })).toBe('unknown-budget');

    // too old, someone else's budget, not valid for the term, no money, a date in the future: all at once
    const other = await f.applicant(term, offer.commissioner.id, { budget: { validFrom: addDays(term.startsOn, 1), amountPence: 100 } });
    const erased = await request({ age: 16 });
    expect((await t.api().post(`/api/v1/participants/${erased.participantId}/erase`).set(bearer(t.adminToken)).send({ reason: 'Family asked' })).status).toBe(200);
    const everything = { budgetId: other.budget.id, registeredOn: addDays(today, 1) };
    expect(await refusalOf({ ...erased, ...everything })).toBe('participant-erased');
    expect(await refusalOf({ ...(await request({ age: 16 })), ...everything })).toBe('age-out-of-range');
    expect(await refusalOf({ ...(await request()), ...everything })).toBe('budget-not-participants');
    expect(await refusalOf({ ...valid, participantId: other.participant.id, ...everything })).toBe('budget-not-valid-for-term');

    // no contract (another commissioner's budget), no money, a date in the future
    const elsewhere = await f.commissioner();
    const poorElsewhere = await f.applicant(term, elsewhere.id, { budget: { amountPence: 100 } });
    const noContract = { participantId: poorElsewhere.participant.id, programmeId: offer.programme.id, termId: term.id, budgetId: poorElsewhere.budget.id };
    expect(await refusalOf({ ...noContract, registeredOn: addDays(today, 1) })).toBe('no-contract-covers-programme');
    // no money and a date in the future
    expect(await refusalOf({ ...(await request({ budget: { amountPence: 100 } })), registeredOn: addDays(today, 1) })).toBe('insufficient-budget');
  });

  it('changes nothing when it refuses', async () => {
    const attempt = await request({ budget: { amountPence: 100 } });
    const state = async () =>
      (
        await db().query(
          `SELECT (SELECT count(*)::int FROM registrations WHERE participant_id = $1) AS registrations,
                  (SELECT committed_pence FROM personal_budgets WHERE id = $2) AS committed,
                  (SELECT registered FROM programme_terms WHERE programme_id = $3 AND term_id = $4) AS registered`,
          [attempt.participantId, attempt.budgetId, attempt.programmeId, attempt.termId],
        )
      ).rows[0];
    const before = await state();
    expect(await refusalOf(attempt)).toBe('insufficient-budget');
    expect(await refusalOf({ ...attempt, registeredOn: addDays(today, 1) })).toBe('insufficient-budget');
    expect(await state()).toEqual(before);
  });
});
