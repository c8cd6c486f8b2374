import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { addDays, factories, firstOfMonth, londonToday, type TermDates, yearsBefore } from './factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * POST /registrations, rule by rule (DOMAIN.md rules 2, 3 and 4; API.md "Registrations"): each refusal
 * names its rule in `detail` and its field in `errors`, leaves nothing behind, and the case on the
 * other side of each boundary is accepted.
 */
describe('registration rules', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  const today = londonToday();
  let term: TermDates;
  let pastTerm: TermDates;

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    // the first of this month: a term start that exists in every year, so birthdays line up with it
    const startsOn = firstOfMonth(today);
    term = await f.term({ name: 'This term', startsOn, censusDate: addDays(startsOn, 30), endsOn: addDays(startsOn, 150) });
    pastTerm = await f.term({
      name: 'A past term',
      startsOn: addDays(startsOn, -200),
      censusDate: addDays(startsOn, -170),
      endsOn: addDays(startsOn, -100),
    });
  });
  afterAll(() => t?.close());

  function expectRefused(res: Response, rule: { status?: number; code: string; field: string; detail: RegExp }): void {
    expect({ status: res.status, body: res.body }).toMatchObject({ status: rule.status ?? 422 });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toMatch(new RegExp(`/${rule.code}$`));
    expect(res.body.detail).toMatch(rule.detail);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: rule.field })]);
  }

  async function registrationsOf(participantId: string): Promise<number> {
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM registrations WHERE participant_id = $1', [participantId]);
    return rows[0].n;
  }

  describe('age on the first day of the term (rule 2)', () => {
    let offer: Awaited<ReturnType<typeof f.offer>>;
    beforeAll(async () => {
      offer = await f.offer(term, { programme: { minAge: 11, maxAge: 15 } });
    });

    const attempt = async (dateOfBirth: string) => {
      const { participant, budget } = await f.applicant(term, offer.commissioner.id, { participant: { dateOfBirth } });
      const res = await f.register(f.registrationOf(participant, offer.programme, term, budget));
      return { res, participant };
    };

    it('accepts someone who turns 11 on the first day of the term', async () => {
      const { res } = await attempt(yearsBefore(term.startsOn, 11));
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('registered');
    });

    it('refuses someone who turns 11 the day after the term starts', async () => {
      const { res, participant } = await attempt(addDays(yearsBefore(term.startsOn, 11), 1));
      expectRefused(res, { code: 'age-out-of-range', field: 'participantId', detail: /is 10 on the term's first day.*ages 11 to 15/ });
      expect(await registrationsOf(participant.id)).toBe(0);
    });

    it('accepts someone still 15 on the first day (16 the day after)', async () => {
      const { res } = await attempt(addDays(yearsBefore(term.startsOn, 16), 1));
      expect(res.status).toBe(201);
    });

    it('refuses someone who is 16 on the first day', async () => {
      const { res, participant } = await attempt(yearsBefore(term.startsOn, 16));
      expectRefused(res, { code: 'age-out-of-range', field: 'participantId', detail: /is 16 on the term's first day.*ages 11 to 15/ });
      expect(await registrationsOf(participant.id)).toBe(0);
    });
  });

  describe('the budget (rule 3)', () => {
    let offer: Awaited<ReturnType<typeof f.offer>>;
    beforeAll(async () => {
      offer = await f.offer(term);
    });

    it("refuses a budget that is not the participant's", async () => {
      const someoneElse = await f.applicant(term, offer.commissioner.id);
      const { participant } = await f.applicant(term, offer.commissioner.id);
      const res = await f.register(f.registrationOf(participant, offer.programme, term, someoneElse.budget));
      expectRefused(res, { code: 'budget-not-participants', field: 'budgetId', detail: /not the participant's/ });
      expect(await registrationsOf(participant.id)).toBe(0);
      expect((await f.get(`/budgets/${someoneElse.budget.id}`)).body.committedPence).toBe(0);
    });

    it.each([
      ['starts a day after the term', (d: TermDates) => ({ validFrom: addDays(d.startsOn, 1), validTo: addDays(d.endsOn, 30) })],
      ['ends a day before the term', (d: TermDates) => ({ validFrom: addDays(d.startsOn, -30), validTo: addDays(d.endsOn, -1) })],
    ])('refuses a budget that %s', async (_name, validity) => {
      const { participant, budget } = await f.applicant(term, offer.commissioner.id, { budget: validity(term) });
      const res = await f.register(f.registrationOf(participant, offer.programme, term, budget));
      expectRefused(res, { code: 'budget-not-valid-for-term', field: 'budgetId', detail: /not for the whole term/ });
      expect(await registrationsOf(participant.id)).toBe(0);
    });

    it('accepts a budget valid exactly from the first to the last day of the term', async () => {
      const { participant, budget } = await f.applicant(term, offer.commissioner.id, {
        budget: { validFrom: term.startsOn, validTo: term.endsOn },
      });
      const res = await f.register(f.registrationOf(participant, offer.programme, term, budget));
      expect(res.status).toBe(201);
    });

    it('refuses a budget with one penny too little uncommitted', async () => {
      const { participant, budget } = await f.applicant(term, offer.commissioner.id, { budget: { amountPence: 44999 } });
      const res = await f.register(f.registrationOf(participant, offer.programme, term, budget));
      expectRefused(res, { code: 'insufficient-budget', field: 'budgetId', detail: /44999 pence uncommitted; the termly price is 45000 pence/ });
      expect(await registrationsOf(participant.id)).toBe(0);
      expect((await f.get(`/budgets/${budget.id}`)).body).toMatchObject({ committedPence: 0, remainingPence: 44999 });
    });

    it('accepts a budget with exactly the termly price left, and commits all of it', async () => {
      const { participant, budget } = await f.applicant(term, offer.commissioner.id, { budget: { amountPence: 45000 } });
      const res = await f.register(f.registrationOf(participant, offer.programme, term, budget));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'registered', pricePence: 45000, committedPence: 45000 });
      expect((await f.get(`/budgets/${budget.id}`)).body).toMatchObject({ amountPence: 45000, committedPence: 45000, remainingPence: 0 });
    });

    it('counts money already committed elsewhere: too little left after another programme is refused', async () => {
      const other = await f.offer(term, { commissioner: offer.commissioner });
      const { participant, budget } = await f.applicant(term, offer.commissioner.id, { budget: { amountPence: 89999 } });
      expect((await f.register(f.registrationOf(participant, other.programme, term, budget))).status).toBe(201);
      const res = await f.register(f.registrationOf(participant, offer.programme, term, budget));
      expectRefused(res, { code: 'insufficient-budget', field: 'budgetId', detail: /44999 pence uncommitted/ });
      expect((await f.get(`/budgets/${budget.id}`)).body).toMatchObject({ committedPence: 45000, remainingPence: 44999 });
    });
  });

  describe("the commissioner's contract (rule 3)", () => {
    const attempt = async (setUp: (programme: { id: string }, commissioner: { id: string }) => Promise<unknown>) => {
      const commissioner = await f.commissioner();
      const programme = await f.programme();
      await setUp(programme, commissioner);
      const { participant, budget } = await f.applicant(term, commissioner.id);
      return { res: await f.register(f.registrationOf(participant, programme, term, budget)), participant };
    };
    const noContract = { code: 'no-contract-covers-programme', field: 'budgetId', detail: /no contract covering this programme/ };

    it('refuses when the commissioner has no contract at all', async () => {
      const { res, participant } = await attempt(async () => undefined);
      expectRefused(res, noContract);
      expect(await registrationsOf(participant.id)).toBe(0);
    });

    it('refuses when the contract covers another programme only', async () => {
      const { res } = await attempt(async (_programme, commissioner) => {
        const elsewhere = await f.programme({ name: 'Holiday Club' });
        await f.contract(commissioner.id, [elsewhere.id], { startsOn: addDays(term.startsOn, -400), endsOn: addDays(term.endsOn, 400) });
      });
      expectRefused(res, noContract);
    });

    it("refuses when another commissioner's contract covers the programme", async () => {
      const { res } = await attempt(async (programme) => {
        const otherCouncil = await f.commissioner({ name: 'Essex County Council' });
        await f.contract(otherCouncil.id, [programme.id], { startsOn: addDays(term.startsOn, -400), endsOn: addDays(term.endsOn, 400) });
      });
      expectRefused(res, noContract);
    });

    it('refuses when the contract ends the day before the term ends', async () => {
      const { res } = await attempt((programme, commissioner) =>
        f.contract(commissioner.id, [programme.id], { startsOn: addDays(term.startsOn, -400), endsOn: addDays(term.endsOn, -1) }),
      );
      expectRefused(res, noContract);
    });

    it('refuses when the contract starts the day after the term starts', async () => {
      const { res } = await attempt((programme, commissioner) =>
        f.contract(commissioner.id, [programme.id], { startsOn: addDays(term.startsOn, 1), endsOn: addDays(term.endsOn, 400) }),
      );
      expectRefused(res, noContract);
    });

    it("accepts a contract running exactly over the term's dates, at its termly price", async () => {
      const { res } = await attempt((programme, commissioner) =>
        f.contract(commissioner.id, [programme.id], { startsOn: term.startsOn, endsOn: term.endsOn, pricePerTermPence: 38000 }),
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'registered', pricePence: 38000, committedPence: 38000 });
    });
  });

  describe('unknown references', () => {
    let valid: Record<string, string>;
    beforeAll(async () => {
      const offer = await f.offer(term);
      const { participant, budget } = await f.applicant(term, offer.commissioner.id);
      valid = f.registrationOf(participant, offer.programme, term, budget) as Record<string, string>;
    });

    it.each(['participantId', 'programmeId', 'termId', 'budgetId'])('refuses an unknown %s with 422 naming it', async (field) => {
      const res = await f.register({ ...valid, [field]: randomUUID() });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
      expect(res.body.detail).toMatch(new RegExp(`^${field}: no \\w+ with id`));
      expect(await registrationsOf(valid.participantId)).toBe(0);
    });
  });

  describe('one active registration per participant, programme and term (rule 4)', () => {
    it('refuses a second registration while the first is registered, and allows one after withdrawal', async () => {
      const offer = await f.offer(term);
      const first = await f.registered(term, offer.programme, offer.commissioner.id);
      // a second budget, so that only the duplicate rule can refuse it
      const secondBudget = await f.budget(first.participant.id, offer.commissioner.id, {
        validFrom: addDays(term.startsOn, -30),
        validTo: addDays(term.endsOn, 30),
      });
      const again = await f.register(f.registrationOf(first.participant, offer.programme, term, secondBudget));
      expect(again.status).toBe(409);
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(again.body.detail).toMatch(/already has an active registration/);
      expect((await f.get(`/budgets/${secondBudget.id}`)).body.committedPence).toBe(0);
      expect(await registrationsOf(first.participant.id)).toBe(1);

      // another programme in the same term is a different registration
      const other = await f.offer(term, { commissioner: offer.commissioner });
      expect((await f.register(f.registrationOf(first.participant, other.programme, term, secondBudget))).status).toBe(201);

      expect((await f.withdraw(first.registration.id)).status).toBe(200);
      const afterWithdrawal = await f.register(f.registrationOf(first.participant, offer.programme, term, first.budget));
      expect(afterWithdrawal.status).toBe(201);
      expect(afterWithdrawal.body.status).toBe('registered');
      expect(afterWithdrawal.body.id).not.toBe(first.registration.id);
    });

    it('refuses a second registration while the first is waitlisted', async () => {
      const offer = await f.offer(term, { programme: { capacity: 1 } });
      await f.registered(term, offer.programme, offer.commissioner.id);
      const waiting = await f.registered(term, offer.programme, offer.commissioner.id);
      expect(waiting.registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
      const again = await f.register(f.registrationOf(waiting.participant, offer.programme, term, waiting.budget));
      expect(again.status).toBe(409);
      expect(await registrationsOf(waiting.participant.id)).toBe(1);

      expect((await f.withdraw(waiting.registration.id)).status).toBe(200);
      const afterWithdrawal = await f.register(f.registrationOf(waiting.participant, offer.programme, term, waiting.budget));
      expect(afterWithdrawal.status).toBe(201);
      expect(afterWithdrawal.body).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    });
  });

  describe('registeredOn (a correction of when the place was taken)', () => {
    it('defaults to today in London and may be backdated', async () => {
      const offer = await f.offer(term);
      const now = await f.registered(term, offer.programme, offer.commissioner.id);
      expect(now.registration.registeredOn).toBe(today);
      const backdated = await f.registered(term, offer.programme, offer.commissioner.id, { registration: { registeredOn: term.startsOn } });
      expect(backdated.registration.registeredOn).toBe(term.startsOn);
    });

    // Known bug (src/registrations/registrations.service.ts, registeredOn(): `given === undefined`): an explicit
    // null passes @IsOptional, is stored as registered_on NULL and trips the CHECK registrations_registered_on,
    // answering 422 "constraint-violated" that names a database constraint instead of the field.
    it('treats an explicit null as absent, or refuses it naming the field — never a database constraint', async () => {
      const offer = await f.offer(term);
      const { participant, budget } = await f.applicant(term, offer.commissioner.id);
      const res = await f.register(f.registrationOf(participant, offer.programme, term, budget, { registeredOn: null }));
      if (res.status === 201) {
        expect(res.body).toMatchObject({ status: 'registered', registeredOn: today });
      } else {
        expect({ status: res.status, body: res.body }).toMatchObject({ status: 400 });
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'registeredOn' })]);
        expect(await registrationsOf(participant.id)).toBe(0);
      }
    });

    it('refuses a date in the future', async () => {
      const offer = await f.offer(term);
      const { participant, budget } = await f.applicant(term, offer.commissioner.id);
      const res = await f.register(f.registrationOf(participant, offer.programme, term, budget, { registeredOn: addDays(today, 1) }));
      expectRefused(res, { code: 'registered-on-in-future', field: 'registeredOn', detail: /must not be in the future/ });
      expect(await registrationsOf(participant.id)).toBe(0);
    });

    it('refuses a date after the term ended', async () => {
      const offer = await f.offer(pastTerm);
      const { participant, budget } = await f.applicant(pastTerm, offer.commissioner.id);
      const res = await f.register(
        f.registrationOf(participant, offer.programme, pastTerm, budget, { registeredOn: addDays(pastTerm.endsOn, 1) }),
      );
      expectRefused(res, { code: 'registered-on-after-term', field: 'registeredOn', detail: /after the term ends/ });
      const onLastDay = await f.register(f.registrationOf(participant, offer.programme, pastTerm, budget, { registeredOn: pastTerm.endsOn }));
      expect(onLastDay.status).toBe(201);
      expect(onLastDay.body.registeredOn).toBe(pastTerm.endsOn);
    });
  });

  describe('money is integer pence (rule 7)', () => {
    it('refuses fractional or textual pence on the prices and budgets registrations draw on', async () => {
      const commissioner = await f.commissioner();
      const programme = await f.programme();
      const participant = await f.participant();
      const contract = (pricePerTermPence: unknown) =>
        t.api().post('/api/v1/contracts').set('Authorization', `Bearer ${t.adminToken}`).send({
          commissionerId: commissioner.id,
          reference: `C-${String(pricePerTermPence)}`,
          startsOn: term.startsOn,
          endsOn: term.endsOn,
          pricePerTermPence,
          programmeIds: [programme.id],
        });
      const budget = (amountPence: unknown) =>
        t.api().post(`/api/v1/participants/${participant.id}/budgets`).set('Authorization', `Bearer ${t.adminToken}`).send({
          type: 'managed',
          commissionerId: commissioner.id,
          reference: `PB-${String(amountPence)}`,
          amountPence,
          validFrom: term.startsOn,
          validTo: term.endsOn,
        });
      for (const bad of [45000.5, '45000', 1e10, -1]) {
        const c = await contract(bad);
        expect({ bad, status: c.status }).toEqual({ bad, status: 400 });
        expect(c.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'pricePerTermPence' })]));
        const b = await budget(bad);
        expect({ bad, status: b.status }).toEqual({ bad, status: 400 });
        expect(b.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'amountPence' })]));
      }
      const { rows } = await t.db.query(
        'SELECT (SELECT count(*)::int FROM contracts WHERE commissioner_id = $1) AS contracts, (SELECT count(*)::int FROM personal_budgets WHERE participant_id = $2) AS budgets',
        [commissioner.id, participant.id],
      );
      expect(rows[0]).toEqual({ contracts: 0, budgets: 0 });
    });

    it('stores every money column as an integer type and answers integers', async () => {
      const { rows } = await t.db.query(
        `SELECT table_name, column_name, data_type FROM information_schema.columns
          WHERE table_schema = 'public' AND column_name LIKE '%pence%' AND table_name IN ('registrations', 'personal_budgets', 'contracts')`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(5);
      for (const row of rows) expect({ ...row, data_type: ['integer', 'bigint'].includes(row.data_type) }).toEqual({ ...row, data_type: true });

      const offer = await f.offer(term, { contract: { pricePerTermPence: 33333 } });
      const r = await f.registered(term, offer.programme, offer.commissioner.id, { budget: { amountPence: 100001 } });
      const b = (await f.get(`/budgets/${r.budget.id}`)).body;
      const u = (await f.get(`/programmes/${offer.programme.id}/terms/${term.id}/uptake`)).body;
      const money = { ...r.registration, ...b, projectedIncomePence: u.projectedIncomePence };
      for (const key of ['pricePence', 'committedPence', 'amountPence', 'remainingPence', 'projectedIncomePence']) {
        expect({ key, integer: Number.isInteger(money[key]) }).toEqual({ key, integer: true });
      }
      expect(b).toMatchObject({ amountPence: 100001, committedPence: 33333, remainingPence: 66668 });
    });
  });

  describe('bad input never leaves partial rows (rule 10)', () => {
    interface State {
      registrations: unknown[];
      programmeTerm: unknown[];
      sessions: unknown[];
      budgets: unknown[];
    }
    let offer: Awaited<ReturnType<typeof f.offer>>;
    let budgetIds: string[];

    async function state(): Promise<State> {
      const q = async (sql: string, params: unknown[]) => (await t.db.query(sql, params)).rows;
      const [programmeId, termId] = [offer.programme.id, term.id];
      return {
        registrations: await q(
          `SELECT id, participant_id, budget_id, status, committed_pence, registered_on FROM registrations
            WHERE programme_id = $1 AND term_id = $2 ORDER BY id`,
          [programmeId, termId],
        ),
        programmeTerm: await q('SELECT places, registered FROM programme_terms WHERE programme_id = $1 AND term_id = $2', [programmeId, termId]),
        sessions: await q('SELECT id, capacity, booked FROM sessions WHERE programme_id = $1 ORDER BY id', [programmeId]),
        budgets: await q('SELECT id, committed_pence FROM personal_budgets WHERE id = ANY($1) ORDER BY id', [budgetIds]),
      };
    }

    async function expectNothingChanged(request: () => Promise<Response>, expected: { status: number; field?: string }) {
      const before = await state();
      const res = await request();
      expect({ status: res.status, body: res.body }).toMatchObject({ status: expected.status });
      if (expected.field) expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: expected.field })]));
      expect(await state()).toEqual(before);
    }

    it('refused registrations change no registration, place, booking or commitment', async () => {
      offer = await f.offer(term, { programme: { capacity: 2 } });
      await f.session(offer.programme.id, { date: addDays(term.startsOn, 10) });
      await f.session(offer.programme.id, { date: addDays(term.startsOn, 40) });
      const a = await f.registered(term, offer.programme, offer.commissioner.id);
      const aSecondBudget = await f.budget(a.participant.id, offer.commissioner.id, {
        validFrom: term.startsOn,
        validTo: term.endsOn,
      });
      const tooOld = await f.applicant(term, offer.commissioner.id, { age: 16 });
      const poor = await f.applicant(term, offer.commissioner.id, { budget: { amountPence: 100 } });
      const fresh = await f.applicant(term, offer.commissioner.id);
      budgetIds = [a.budget.id, aSecondBudget.id, tooOld.budget.id, poor.budget.id, fresh.budget.id];
      const body = (who: { participant: { id: string } }, budget: { id: string }, extra = {}) =>
        f.registrationOf(who.participant, offer.programme, term, budget, extra);
      expect((await state()).programmeTerm).toEqual([{ places: 2, registered: 1 }]);

      // 409 is only found when the row is inserted, after the place and the money were taken: both must roll back
      await expectNothingChanged(() => f.register(body(a, aSecondBudget)), { status: 409 });
      await expectNothingChanged(() => f.register(body(tooOld, tooOld.budget)), { status: 422, field: 'participantId' });
      await expectNothingChanged(() => f.register(body(poor, poor.budget)), { status: 422, field: 'budgetId' });
      await expectNothingChanged(() => f.register(body(fresh, a.budget)), { status: 422, field: 'budgetId' });
      await expectNothingChanged(() => f.register(body(fresh, fresh.budget, { registeredOn: addDays(today, 1) })), {
        status: 422,
        field: 'registeredOn',
      });
      await expectNothingChanged(() => f.register(body(fresh, fresh.budget, { status: 'registered' })), { status: 400, field: 'status' });
      await expectNothingChanged(() => f.register(body(fresh, fresh.budget, { waitlistPosition: 1 })), { status: 400, field: 'waitlistPosition' });
      await expectNothingChanged(() => f.register({ ...body(fresh, fresh.budget), participantId: 'not-a-uuid' }), {
        status: 400,
        field: 'participantId',
      });
      await expectNothingChanged(() => f.register({ ...body(fresh, fresh.budget), budgetId: 42 }), { status: 400, field: 'budgetId' });
      await expectNothingChanged(() => f.register({ ...body(fresh, fresh.budget), termId: 1.5 }), { status: 400, field: 'termId' });
      await expectNothingChanged(() => f.register(body(fresh, fresh.budget, { registeredOn: '2026-02-30' })), {
        status: 400,
        field: 'registeredOn',
      });
      await expectNothingChanged(() => f.register(body(fresh, fresh.budget, { registeredOn: '2026-10-10T00:00:00Z' })), {
        status: 400,
        field: 'registeredOn',
      });
      await expectNothingChanged(() => f.register({ participantId: fresh.participant.id }), { status: 400, field: 'budgetId' });
      await expectNothingChanged(
        () => t.api().post('/api/v1/registrations').set('Authorization', `Bearer ${t.adminToken}`).set('Content-Type', 'application/json').send('{"participantId":'),
        { status: 400 },
      );
      await expectNothingChanged(() => f.register([body(fresh, fresh.budget)] as never), { status: 400 });

      // the one that is fine still registers, so the refusals above were not refusing everything
      const ok = await f.register(body(fresh, fresh.budget));
      expect(ok.status).toBe(201);
      expect((await state()).programmeTerm).toEqual([{ places: 2, registered: 2 }]);
    });

    it('a refused withdrawal changes nothing', async () => {
      const [registration] = (await state()).registrations as Array<{ id: string }>;
      await expectNothingChanged(() => f.withdraw(registration.id, { reason: 'moved', effectiveOn: addDays(term.endsOn, 1) }), {
        status: 422,
        field: 'effectiveOn',
      });
      await expectNothingChanged(() => f.withdraw(registration.id, { reason: 'moved', effectiveOn: '2026-02-29' }), {
        status: 400,
        field: 'effectiveOn',
      });
      await expectNothingChanged(() => f.withdraw(registration.id, { reason: 'moved', effectiveOn: 20261010 }), { status: 400, field: 'effectiveOn' });
      await expectNothingChanged(() => f.withdraw(registration.id, { reason: 'moved', refund: true }), { status: 400, field: 'refund' });
      await expectNothingChanged(() => f.withdraw(registration.id, {}), { status: 400, field: 'reason' });
      await expectNothingChanged(() => f.withdraw('not-a-uuid', { reason: 'moved' }), { status: 400, field: 'id' });
      await expectNothingChanged(() => f.withdraw(randomUUID(), { reason: 'moved' }), { status: 404 });
    });

    it('queries with bad parameters are refused with 400', async () => {
      for (const query of ['status=gone', 'programmeId=abc', 'limit=1.5', 'limit=0', 'limit=201', 'colour=red']) {
        const res = await f.get(`/registrations?${query}`);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
      }
      expect((await f.get('/registrations/not-a-uuid')).status).toBe(400);
      expect((await f.get(`/registrations/${randomUUID()}`)).status).toBe(404);
    });
  });
});
