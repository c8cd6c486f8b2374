import { addDays, todayInLondon } from '../src/common/london-calendar.js';
import { type Body, call, factories, termInYear, unique } from './factories.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 2, the reference data of API.md: commissioners, contracts, programmes, terms, sessions,
 * participants and personal budgets, every endpoint and every documented rule, and cursor paging.
 */
describe('reference data', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  const as = (token?: string) => ({
    get: (path: string) => call(t, 'get', `/api/v1${path}`, token ?? t.adminToken),
    post: (path: string, body?: unknown) => call(t, 'post', `/api/v1${path}`, token ?? t.adminToken, body ?? {}),
    patch: (path: string, body?: unknown) => call(t, 'patch', `/api/v1${path}`, token ?? t.adminToken, body ?? {}),
  });
  const admin = () => as();
  const count = async (table: string) => (await t.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
  });
  afterAll(() => t?.close());

  describe('commissioners', () => {
    it('POST → 201 with paymentTermsDays defaulting to 30; GET by id and in the list', async () => {
      const code = unique('CAMBS');
      const res = await admin().post('/commissioners', { name: 'Cambridgeshire County Council', code });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({ id: expect.any(String), name: 'Cambridgeshire County Council', code, paymentTermsDays: 30, invoiceEmail: null }),
      );
      const one = await admin().get(`/commissioners/${res.body.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(res.body);
      const list = await admin().get('/commissioners?limit=200');
      expect(list.status).toBe(200);
      expect(list.body.items).toContainEqual(res.body);
      expect(list.body).toHaveProperty('nextCursor');
    });

    it('keeps the optional fields it was given', async () => {
      const res = await admin().post('/commissioners', {
        name: 'Essex County Council',
        code: unique('ESSEX'),
        invoiceEmail: 'payables@essex.example',
        paymentTermsDays: 14,
        address: 'County Hall, Chelmsford',
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(expect.objectContaining({ invoiceEmail: 'payables@essex.example', paymentTermsDays: 14, address: 'County Hall, Chelmsford' }));
      expect((await admin().post('/commissioners', { name: 'N', code: unique('N'), paymentTermsDays: 0 })).body.paymentTermsDays).toBe(0);
    });

    it('code is unique, case-insensitively → 409, and nothing is stored', async () => {
      const code = unique('norfolk');
      await f.commissioner({ code });
      const before = await count('commissioners');
      expectProblem(await admin().post('/commissioners', { name: 'Again', code }), 409);
      expectProblem(await admin().post('/commissioners', { name: 'Again', code: code.toUpperCase() }), 409);
      expect(await count('commissioners')).toBe(before);
    });

    it('concurrent POSTs of one code (in any case) → exactly one 201, the rest 409', async () => {
      const code = unique('race');
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => admin().post('/commissioners', { name: `Race ${i}`, code: i % 2 ? code.toUpperCase() : code })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM commissioners WHERE lower(code) = lower($1)', [code]);
      expect(rows[0].n).toBe(1);
    });

    it('refuses bad fields naming them', async () => {
      expectProblem(await admin().post('/commissioners', { code: unique('X') }), 400, 'name');
      expectProblem(await admin().post('/commissioners', { name: 'X' }), 400, 'code');
      expectProblem(await admin().post('/commissioners', { name: 'X', code: unique('X'), paymentTermsDays: -1 }), 400, 'paymentTermsDays');
      expectProblem(await admin().post('/commissioners', { name: 'X', code: unique('X'), paymentTermsDays: 2.5 }), 400, 'paymentTermsDays');
      expectProblem(await admin().post('/commissioners', { name: 'X', code: unique('X'), invoiceEmail: 'nope' }), 400, 'invoiceEmail');
    });

    it('PATCH changes what it names; a code taken by another → 409; unknown id → 404', async () => {
      const a = await f.commissioner();
      const b = await f.commissioner();
      const res = await admin().patch(`/commissioners/${a.id}`, { name: 'Suffolk County Council', paymentTermsDays: 45 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expect.objectContaining({ id: a.id, name: 'Suffolk County Council', code: a.code, paymentTermsDays: 45 }));
      expect((await admin().get(`/commissioners/${a.id}`)).body.name).toBe('Suffolk County Council');
      expectProblem(await admin().patch(`/commissioners/${a.id}`, { code: String(b.code).toLowerCase() }), 409);
      expect((await admin().get(`/commissioners/${a.id}`)).body.code).toBe(a.code);
      expect((await admin().patch(`/commissioners/${a.id}`, { code: a.code })).status).toBe(200);
      expectProblem(await admin().patch(`/commissioners/${NO_SUCH_ID}`, { name: 'X' }), 404);
      expectProblem(await admin().get(`/commissioners/${NO_SUCH_ID}`), 404);
      expectProblem(await admin().patch(`/commissioners/${a.id}`, { name: '' }), 400, 'name');
    });
  });

  describe('contracts', () => {
    let commissioner: Body & { id: string };
    let programme: Body & { id: string };
    let other: Body & { id: string };

    beforeAll(async () => {
      commissioner = await f.commissioner();
      programme = await f.programme();
      other = await f.programme({ name: 'Holiday Club' });
    });

    const contractBody = (overrides: Body = {}) => ({
      commissionerId: commissioner.id,
      reference: unique('CCC-SB'),
      startsOn: '2030-09-01',
      endsOn: '2031-08-31',
      pricePerTermPence: 45000,
      programmeIds: [programme.id],
      ...overrides,
    });

    it('POST → 201 with vatRateBasisPoints 0 and no poNumber by default; GET by id, list and ?commissionerId=', async () => {
      const body = contractBody({ programmeIds: [programme.id, other.id], minParticipants: 6 });
      const res = await admin().post('/contracts', body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          commissionerId: commissioner.id,
          reference: body.reference,
          startsOn: '2030-09-01',
          endsOn: '2031-08-31',
          pricePerTermPence: 45000,
          minParticipants: 6,
          poNumber: null,
          vatRateBasisPoints: 0,
          programmeIds: [programme.id, other.id].sort(),
        }),
      );
      expect((await admin().get(`/contracts/${res.body.id}`)).body).toEqual(res.body);
      const mine = await admin().get(`/contracts?commissionerId=${commissioner.id}&limit=200`);
      expect(mine.status).toBe(200);
      expect(mine.body.items.map((c: Body) => c.id)).toContain(res.body.id);
      expect(mine.body.items.every((c: Body) => c.commissionerId === commissioner.id)).toBe(true);
      const elsewhere = await f.commissioner();
      expect((await admin().get(`/contracts?commissionerId=${elsewhere.id}`)).body.items).toEqual([]);
      expectProblem(await admin().get(`/contracts/${NO_SUCH_ID}`), 404);
    });

    it('keeps poNumber and vatRateBasisPoints', async () => {
      const res = await admin().post('/contracts', contractBody({ startsOn: '2040-01-01', endsOn: '2040-12-31', poNumber: 'PO-448812', vatRateBasisPoints: 2000 }));
      expect(res.status).toBe(201);
      expect(res.body).toEqual(expect.objectContaining({ poNumber: 'PO-448812', vatRateBasisPoints: 2000 }));
    });

    it('unknown commissioner or programme → 422 naming the field; nothing stored', async () => {
      const before = await count('contracts');
      expectProblem(await admin().post('/contracts', contractBody({ commissionerId: NO_SUCH_ID })), 422, 'commissionerId');
      expectProblem(await admin().post('/contracts', contractBody({ programmeIds: [programme.id, NO_SUCH_ID] })), 422, 'programmeIds');
      expect(await count('contracts')).toBe(before);
    });

    it('endsOn before startsOn → 422 naming endsOn; a one-day contract is fine', async () => {
      expectProblem(await admin().post('/contracts', contractBody({ startsOn: '2041-05-02', endsOn: '2041-05-01' })), 422, 'endsOn');
      expect((await admin().post('/contracts', contractBody({ startsOn: '2041-05-02', endsOn: '2041-05-02' }))).status).toBe(201);
    });

    it('refuses malformed fields naming them (400)', async () => {
      expectProblem(await admin().post('/contracts', contractBody({ pricePerTermPence: 1.5 })), 400, 'pricePerTermPence');
      expectProblem(await admin().post('/contracts', contractBody({ pricePerTermPence: -1 })), 400, 'pricePerTermPence');
      expectProblem(await admin().post('/contracts', contractBody({ startsOn: '2027-02-30' })), 400, 'startsOn');
      expectProblem(await admin().post('/contracts', contractBody({ commissionerId: 'not-a-uuid' })), 400, 'commissionerId');
      expectProblem(await admin().post('/contracts', contractBody({ programmeIds: ['nope'] })), 400, 'programmeIds');
      expectProblem(await admin().post('/contracts', contractBody({ programmeIds: undefined })), 400, 'programmeIds');
      expectProblem(await admin().post('/contracts', contractBody({ vatRateBasisPoints: 10001 })), 400, 'vatRateBasisPoints');
    });

    it('ids in the body are UUIDs in any case (RFC 4122): upper-case ones name the same records', async () => {
      const c = await f.commissioner();
      const p = await f.programme();
      const res = await admin().post('/contracts', contractBody({ commissionerId: c.id.toUpperCase(), programmeIds: [p.id.toUpperCase()], startsOn: '2044-01-01', endsOn: '2044-12-31' }));
      expect(res.status).toBe(201);
      expect(res.body).toEqual(expect.objectContaining({ commissionerId: c.id, programmeIds: [p.id] }));
      // the same programme twice, in two cases, is one programme listed twice
      expectProblem(
        await admin().post('/contracts', contractBody({ commissionerId: c.id, programmeIds: [p.id, p.id.toUpperCase()], startsOn: '2045-01-01', endsOn: '2045-12-31' })),
        400,
        'programmeIds',
      );
      const participant = await f.participant();
      const budget = await admin().post(`/participants/${participant.id}/budgets`, {
        type: 'managed',
        commissionerId: c.id.toUpperCase(),
        reference: unique('PB'),
        amountPence: 1000,
        validFrom: '2026-04-01',
        validTo: '2027-03-31',
      });
      expect(budget.status).toBe(201);
      expect(budget.body.commissionerId).toBe(c.id);
      expect((await admin().get(`/contracts?commissionerId=${c.id.toUpperCase()}`)).body.items.map((x: Body) => x.id)).toEqual([res.body.id]);
    });

    it('reference is unique per commissioner → 409; another commissioner may reuse it', async () => {
      const reference = unique('REF');
      expect((await admin().post('/contracts', contractBody({ reference, startsOn: '2042-01-01', endsOn: '2042-12-31' }))).status).toBe(201);
      expectProblem(
        await admin().post('/contracts', contractBody({ reference, startsOn: '2043-01-01', endsOn: '2043-12-31', programmeIds: [other.id] })),
        409,
      );
      const second = await f.commissioner();
      expect((await admin().post('/contracts', contractBody({ reference, commissionerId: second.id, startsOn: '2042-01-01', endsOn: '2042-12-31' }))).status).toBe(201);
    });

    it('an overlapping contract of the same commissioner on the same programme → 422; other cases are fine', async () => {
      const c = await f.commissioner();
      const p = await f.programme();
      const q = await f.programme();
      const base = { commissionerId: c.id, startsOn: '2050-09-01', endsOn: '2051-08-31', programmeIds: [p.id] };
      expect((await admin().post('/contracts', contractBody(base))).status).toBe(201);
      // overlapping by one day
      expectProblem(await admin().post('/contracts', contractBody({ ...base, startsOn: '2051-08-31', endsOn: '2052-08-31' })), 422, 'programmeIds');
      expectProblem(await admin().post('/contracts', contractBody({ ...base, programmeIds: [q.id, p.id] })), 422, 'programmeIds');
      // the next day, another programme, another commissioner: no overlap
      expect((await admin().post('/contracts', contractBody({ ...base, startsOn: '2051-09-01', endsOn: '2052-08-31' }))).status).toBe(201);
      expect((await admin().post('/contracts', contractBody({ ...base, programmeIds: [q.id] }))).status).toBe(201);
      const d = await f.commissioner();
      expect((await admin().post('/contracts', contractBody({ ...base, commissionerId: d.id }))).status).toBe(201);
    });

    it('concurrent overlapping contracts of one commissioner → exactly one 201', async () => {
      const c = await f.commissioner();
      const p = await f.programme();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          admin().post('/contracts', contractBody({ commissionerId: c.id, programmeIds: [p.id], startsOn: `2060-0${1 + (i % 3)}-01`, endsOn: '2060-12-31' })),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 422)).toHaveLength(7);
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM contracts WHERE commissioner_id = $1', [c.id]);
      expect(rows[0].n).toBe(1);
    });

    it('PATCH changes dates, poNumber and programmeIds; keeps the rules; commissionerId cannot change', async () => {
      const c = await f.commissioner();
      const p = await f.programme();
      const q = await f.programme();
      const contract = await f.contract(c.id, [p.id], { startsOn: '2070-01-01', endsOn: '2070-12-31' });
      const neighbour = await f.contract(c.id, [q.id], { startsOn: '2071-01-01', endsOn: '2071-12-31' });

      const res = await admin().patch(`/contracts/${contract.id}`, { programmeIds: [p.id, q.id], poNumber: 'PO-1', pricePerTermPence: 50000 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        expect.objectContaining({ id: contract.id, programmeIds: [p.id, q.id].sort(), poNumber: 'PO-1', pricePerTermPence: 50000, reference: contract.reference }),
      );
      expect((await admin().get(`/contracts/${contract.id}`)).body.programmeIds).toEqual([p.id, q.id].sort());

      // extending into the neighbour's year now overlaps it on programme q
      expectProblem(await admin().patch(`/contracts/${contract.id}`, { endsOn: '2071-06-30' }), 422, 'programmeIds');
      expectProblem(await admin().patch(`/contracts/${contract.id}`, { endsOn: '2069-12-31' }), 422, 'endsOn');
      expectProblem(await admin().patch(`/contracts/${contract.id}`, { programmeIds: [NO_SUCH_ID] }), 422, 'programmeIds');
      expectProblem(await admin().patch(`/contracts/${contract.id}`, { reference: neighbour.reference }), 409);
      expectProblem(await admin().patch(`/contracts/${contract.id}`, { commissionerId: c.id }), 400, 'commissionerId');
      // a refused PATCH changed nothing
      const after = await admin().get(`/contracts/${contract.id}`);
      expect(after.body).toEqual(res.body);

      const fewer = await admin().patch(`/contracts/${contract.id}`, { programmeIds: [q.id], endsOn: '2070-06-30' });
      expect(fewer.status).toBe(200);
      expect(fewer.body).toEqual(expect.objectContaining({ programmeIds: [q.id], endsOn: '2070-06-30' }));
      expectProblem(await admin().patch(`/contracts/${NO_SUCH_ID}`, { poNumber: 'x' }), 404);
    });
  });

  describe('programmes', () => {
    it('POST → 201 with capacity defaulting to 12; GET by id and list', async () => {
      const res = await admin().post('/programmes', { name: 'Arts Pioneers', venue: 'Fitzwilliam Museum', minAge: 11, maxAge: 15 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({ id: expect.any(String), name: 'Arts Pioneers', venue: 'Fitzwilliam Museum', minAge: 11, maxAge: 15, capacity: 12, description: null }),
      );
      expect((await admin().get(`/programmes/${res.body.id}`)).body).toEqual(res.body);
      expect((await admin().get('/programmes?limit=200')).body.items).toContainEqual(res.body);
      expectProblem(await admin().get(`/programmes/${NO_SUCH_ID}`), 404);
    });

    it('capacity is 1..12: 0 and 13 → 400 naming capacity, 1 and 12 are fine', async () => {
      const body = { name: 'P', venue: 'V', minAge: 11, maxAge: 15 };
      const before = await count('programmes');
      expectProblem(await admin().post('/programmes', { ...body, capacity: 0 }), 400, 'capacity');
      expectProblem(await admin().post('/programmes', { ...body, capacity: 13 }), 400, 'capacity');
      expectProblem(await admin().post('/programmes', { ...body, capacity: 1.5 }), 400, 'capacity');
      expect(await count('programmes')).toBe(before);
      expect((await admin().post('/programmes', { ...body, capacity: 1 })).body.capacity).toBe(1);
      expect((await admin().post('/programmes', { ...body, capacity: 12, description: 'Saturdays' })).body).toEqual(
        expect.objectContaining({ capacity: 12, description: 'Saturdays' }),
      );
    });

    it('minAge above maxAge → 422; equal is fine; bad ages → 400', async () => {
      expectProblem(await admin().post('/programmes', { name: 'P', venue: 'V', minAge: 16, maxAge: 15 }), 422);
      expect((await admin().post('/programmes', { name: 'P', venue: 'V', minAge: 15, maxAge: 15 })).status).toBe(201);
      expectProblem(await admin().post('/programmes', { name: 'P', venue: 'V', minAge: -1, maxAge: 15 }), 400, 'minAge');
      expectProblem(await admin().post('/programmes', { name: 'P', venue: 'V', minAge: 11 }), 400, 'maxAge');
    });

    it('PATCH changes what it names and keeps the rules', async () => {
      const p = await f.programme();
      const res = await admin().patch(`/programmes/${p.id}`, { capacity: 10, venue: 'Kettle’s Yard' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expect.objectContaining({ id: p.id, capacity: 10, venue: 'Kettle’s Yard', name: p.name }));
      expectProblem(await admin().patch(`/programmes/${p.id}`, { capacity: 13 }), 400, 'capacity');
      expectProblem(await admin().patch(`/programmes/${p.id}`, { capacity: 0 }), 400, 'capacity');
      expectProblem(await admin().patch(`/programmes/${p.id}`, { minAge: 16 }), 422);
      expect((await admin().get(`/programmes/${p.id}`)).body).toEqual(res.body);
      expectProblem(await admin().patch(`/programmes/${NO_SUCH_ID}`, { capacity: 5 }), 404);
    });
  });

  describe('terms', () => {
    it('POST → 201; GET by id and list', async () => {
      const res = await admin().post('/terms', { name: 'Autumn 2101', startsOn: '2101-09-01', endsOn: '2101-12-18', censusDate: '2101-10-01' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({ id: expect.any(String), name: 'Autumn 2101', startsOn: '2101-09-01', endsOn: '2101-12-18', censusDate: '2101-10-01' }),
      );
      expect((await admin().get(`/terms/${res.body.id}`)).body).toEqual(res.body);
      expect((await admin().get('/terms?limit=200')).body.items).toContainEqual(res.body);
      expectProblem(await admin().get(`/terms/${NO_SUCH_ID}`), 404);
    });

    it('census date outside the term → 422 naming censusDate; on either edge is fine', async () => {
      expectProblem(await admin().post('/terms', termInYear(2102, { censusDate: '2102-04-01' })), 422, 'censusDate');
      expectProblem(await admin().post('/terms', termInYear(2102, { censusDate: '2102-01-04' })), 422, 'censusDate');
      expectProblem(await admin().post('/terms', termInYear(2102, { endsOn: '2102-01-01', censusDate: '2102-01-01' })), 422);
      expect((await admin().post('/terms', termInYear(2102, { censusDate: '2102-01-05' }))).status).toBe(201);
      expect((await admin().post('/terms', termInYear(2103, { censusDate: '2103-03-31' }))).status).toBe(201);
      expectProblem(await admin().post('/terms', termInYear(2104, { censusDate: '2104-02-30' })), 400, 'censusDate');
    });

    it('overlapping terms → 422 (sharing even one day); the next day is fine', async () => {
      expect((await admin().post('/terms', termInYear(2105))).status).toBe(201);
      const before = await count('terms');
      expectProblem(await admin().post('/terms', termInYear(2105, { name: 'Same' })), 422);
      expectProblem(await admin().post('/terms', { name: 'Tail', startsOn: '2105-03-31', endsOn: '2105-06-30', censusDate: '2105-05-01' }), 422);
      expectProblem(await admin().post('/terms', { name: 'Head', startsOn: '2104-12-01', endsOn: '2105-01-05', censusDate: '2104-12-10' }), 422);
      expectProblem(await admin().post('/terms', { name: 'Around', startsOn: '2104-12-01', endsOn: '2105-12-31', censusDate: '2105-05-01' }), 422);
      expect(await count('terms')).toBe(before);
      expect((await admin().post('/terms', { name: 'Summer', startsOn: '2105-04-01', endsOn: '2105-07-20', censusDate: '2105-05-01' })).status).toBe(201);
    });

    it('endsOn before startsOn → 422 naming endsOn; a one-day term is fine', async () => {
      expectProblem(await admin().post('/terms', { name: 'Backwards', startsOn: '2107-02-01', endsOn: '2107-01-31', censusDate: '2107-02-01' }), 422, 'endsOn');
      expect((await admin().post('/terms', { name: 'One day', startsOn: '2107-02-01', endsOn: '2107-02-01', censusDate: '2107-02-01' })).status).toBe(201);
      expectProblem(await admin().post('/terms', { startsOn: '2108-02-01', endsOn: '2108-03-01', censusDate: '2108-02-10' }), 400, 'name');
    });

    it('concurrent overlapping POSTs → exactly one 201, the rest 422', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          admin().post('/terms', { name: `Race ${i}`, startsOn: `2106-01-0${1 + i}`, endsOn: '2106-06-30', censusDate: '2106-02-01' }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 422)).toHaveLength(7);
      for (const r of results.filter((r) => r.status === 422)) expectProblem(r, 422);
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM terms WHERE starts_on BETWEEN '2106-01-01' AND '2106-12-31'`);
      expect(rows[0].n).toBe(1);
    });
  });

  describe('sessions', () => {
    let programme: Body & { id: string };
    let term: Body & { id: string };
    let laterTerm: Body & { id: string };

    beforeAll(async () => {
      programme = await f.programme({ capacity: 8, venue: 'Fitzwilliam Museum' });
      term = await f.term(termInYear(2110));
      laterTerm = await f.term({ name: 'Summer 2110', startsOn: '2110-04-01', endsOn: '2110-07-20', censusDate: '2110-05-01' });
    });

    it("POST → 201 in the term containing the date, with the programme's capacity and venue; booked 0, available = capacity", async () => {
      const res = await admin().post(`/programmes/${programme.id}/sessions`, { date: '2110-02-06', startTime: '10:00', endTime: '15:00' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        programmeId: programme.id,
        termId: term.id,
        date: '2110-02-06',
        startTime: '10:00',
        endTime: '15:00',
        venue: 'Fitzwilliam Museum',
        capacity: 8,
        booked: 0,
        available: 8,
        // API v1.1: a session's status, whether it is off site, and what a make-up replaces
        status: 'scheduled',
        offSite: false,
        replacesSessionId: null,
        cancellationReason: null,
        cancelledAt: null,
      });
      const one = await admin().get(`/sessions/${res.body.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(res.body);
      // on the first and the last day of a term
      expect((await admin().post(`/programmes/${programme.id}/sessions`, { date: '2110-04-01', startTime: '10:00', endTime: '12:00' })).body.termId).toBe(laterTerm.id);
      expect((await admin().post(`/programmes/${programme.id}/sessions`, { date: '2110-03-31', startTime: '10:00', endTime: '12:00' })).body.termId).toBe(term.id);
    });

    it('keeps an explicit venue and a smaller capacity; more than 12 → 400', async () => {
      const res = await admin().post(`/programmes/${programme.id}/sessions`, { date: '2110-02-13', startTime: '10:00', endTime: '15:00', venue: 'Kettle’s Yard', capacity: 5 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(expect.objectContaining({ venue: 'Kettle’s Yard', capacity: 5, booked: 0, available: 5 }));
      expectProblem(await admin().post(`/programmes/${programme.id}/sessions`, { date: '2110-02-14', startTime: '10:00', endTime: '15:00', capacity: 13 }), 400, 'capacity');
      expectProblem(await admin().post(`/programmes/${programme.id}/sessions`, { date: '2110-02-14', startTime: '10:00', endTime: '15:00', capacity: 0 }), 400, 'capacity');
    });

    it('a date no term contains → 422 naming date; nothing stored', async () => {
      const before = await count('sessions');
      expectProblem(await admin().post(`/programmes/${programme.id}/sessions`, { date: '2110-08-01', startTime: '10:00', endTime: '15:00' }), 422, 'date');
      expect(await count('sessions')).toBe(before);
    });

    it('the same programme, date and start time → 409; another start time is fine', async () => {
      const body = { date: '2110-02-20', startTime: '10:00', endTime: '12:00' };
      expect((await admin().post(`/programmes/${programme.id}/sessions`, body)).status).toBe(201);
      expectProblem(await admin().post(`/programmes/${programme.id}/sessions`, { ...body, endTime: '13:00' }), 409);
      expect((await admin().post(`/programmes/${programme.id}/sessions`, { ...body, startTime: '13:00', endTime: '15:00' })).status).toBe(201);
      const other = await f.programme();
      expect((await admin().post(`/programmes/${other.id}/sessions`, body)).status).toBe(201);
    });

    it('concurrent POSTs of one programme, date and start time → exactly one 201, the rest 409', async () => {
      const p = await f.programme();
      const results = await Promise.all(
        Array.from({ length: 6 }, () => admin().post(`/programmes/${p.id}/sessions`, { date: '2110-03-13', startTime: '10:00', endTime: '15:00' })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM sessions WHERE programme_id = $1', [p.id]);
      expect(rows[0].n).toBe(1);
    });

    it('capacity never drops below the participants already registered for the programme-term (422)', async () => {
      const p = await f.programme({ capacity: 10 });
      const s = await f.session(p.id, { date: '2110-03-20' });
      // five registered participants, as the registrations of a later issue will record them
      await t.db.query('UPDATE programme_terms SET registered = 5 WHERE programme_id = $1 AND term_id = $2', [p.id, term.id]);
      await t.db.query('UPDATE sessions SET booked = 5 WHERE programme_id = $1 AND term_id = $2', [p.id, term.id]);
      expect((await admin().get(`/sessions/${s.id}`)).body).toEqual(expect.objectContaining({ capacity: 10, booked: 5, available: 5 }));

      expectProblem(await admin().patch(`/sessions/${s.id}`, { capacity: 4 }), 422, 'capacity');
      expectProblem(await admin().post(`/programmes/${p.id}/sessions`, { date: '2110-03-27', startTime: '10:00', endTime: '15:00', capacity: 4 }), 422, 'capacity');
      expectProblem(await admin().patch(`/programmes/${p.id}`, { capacity: 4 }), 422, 'capacity');
      expect((await admin().get(`/programmes/${p.id}`)).body.capacity).toBe(10);
      expect((await admin().get(`/sessions/${s.id}`)).body.capacity).toBe(10);

      // exactly enough places is fine, and a new session books the registered participants too
      expect((await admin().patch(`/sessions/${s.id}`, { capacity: 5 })).body).toEqual(expect.objectContaining({ capacity: 5, booked: 5, available: 0 }));
      const added = await admin().post(`/programmes/${p.id}/sessions`, { date: '2110-03-27', startTime: '10:00', endTime: '15:00' });
      expect(added.status).toBe(201);
      // the programme-term has 5 places (set above), all taken: `available` counts places, not just seats
      expect(added.body).toEqual(expect.objectContaining({ capacity: 10, booked: 5, available: 0 }));
      const { rows } = await t.db.query('SELECT places FROM programme_terms WHERE programme_id = $1 AND term_id = $2', [p.id, term.id]);
      expect(rows[0].places).toBe(5);
    });

    it('endTime not after startTime → 422 naming endTime; malformed times → 400', async () => {
      const path = `/programmes/${programme.id}/sessions`;
      expectProblem(await admin().post(path, { date: '2110-02-27', startTime: '15:00', endTime: '15:00' }), 422, 'endTime');
      expectProblem(await admin().post(path, { date: '2110-02-27', startTime: '15:00', endTime: '10:00' }), 422, 'endTime');
      expectProblem(await admin().post(path, { date: '2110-02-27', startTime: '25:00', endTime: '26:00' }), 400, 'startTime');
      expectProblem(await admin().post(path, { date: '2110-02-27', startTime: '10:00', endTime: '3pm' }), 400, 'endTime');
      expectProblem(await admin().post(path, { date: '2110-02-30', startTime: '10:00', endTime: '15:00' }), 400, 'date');
    });

    it('unknown programme → 404', async () => {
      expectProblem(await admin().post(`/programmes/${NO_SUCH_ID}/sessions`, { date: '2110-02-06', startTime: '10:00', endTime: '15:00' }), 404);
      expectProblem(await admin().get(`/programmes/${NO_SUCH_ID}/sessions`), 404);
      expectProblem(await admin().get(`/sessions/${NO_SUCH_ID}`), 404);
    });

    it('GET /programmes/:id/sessions lists them, ?termId= filters by term', async () => {
      const p = await f.programme();
      const a = await admin().post(`/programmes/${p.id}/sessions`, { date: '2110-01-10', startTime: '10:00', endTime: '15:00' });
      const b = await admin().post(`/programmes/${p.id}/sessions`, { date: '2110-05-10', startTime: '10:00', endTime: '15:00' });
      const all = await admin().get(`/programmes/${p.id}/sessions`);
      expect(all.status).toBe(200);
      expect(all.body).toEqual({ items: [a.body, b.body], nextCursor: null });
      expect((await admin().get(`/programmes/${p.id}/sessions?termId=${term.id}`)).body.items).toEqual([a.body]);
      expect((await admin().get(`/programmes/${p.id}/sessions?termId=${laterTerm.id}`)).body.items).toEqual([b.body]);
      expect((await admin().get(`/programmes/${p.id}/sessions?termId=${NO_SUCH_ID}`)).body.items).toEqual([]);
      expectProblem(await admin().get(`/programmes/${p.id}/sessions?termId=nope`), 400, 'termId');
    });

    it('PATCH /sessions/:id changes times, venue and capacity and keeps the rules', async () => {
      const s = await f.session(programme.id, { date: '2110-03-06' });
      const res = await admin().patch(`/sessions/${s.id}`, { startTime: '11:00', endTime: '16:00', venue: 'Museum of Zoology', capacity: 6 });
      expect(res.status).toBe(200);
      // an earlier session of this programme-term has 5 seats, so only 5 places exist whatever this one holds
      expect(res.body).toEqual(expect.objectContaining({ id: s.id, startTime: '11:00', endTime: '16:00', venue: 'Museum of Zoology', capacity: 6, booked: 0, available: 5 }));
      expectProblem(await admin().patch(`/sessions/${s.id}`, { endTime: '10:00' }), 422, 'endTime');
      expectProblem(await admin().patch(`/sessions/${s.id}`, { capacity: 13 }), 400, 'capacity');
      expectProblem(await admin().patch(`/sessions/${s.id}`, { date: '2110-03-07' }), 400, 'date');
      expectProblem(await admin().patch(`/sessions/${s.id}`, { startTime: null }), 400, 'startTime');
      expect((await admin().get(`/sessions/${s.id}`)).body).toEqual(res.body);
      expectProblem(await admin().patch(`/sessions/${NO_SUCH_ID}`, { venue: 'x' }), 404);
    });
  });

  describe('participants', () => {
    const medicalNotes = 'Epilepsy: rescue medication in the blue bag';

    it('POST → 201 with defaults; GET by id and list', async () => {
      const res = await admin().post('/participants', {
        firstName: 'Jamie',
        lastName: 'Smith',
        dateOfBirth: '2013-05-14',
        guardians: [{ name: 'Alex Smith', relationship: 'mother', phone: '07700 900123', email: 'alex@example.org' }],
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          firstName: 'Jamie',
          lastName: 'Smith',
          dateOfBirth: '2013-05-14',
          guardians: [{ name: 'Alex Smith', relationship: 'mother', phone: '07700 900123', email: 'alex@example.org' }],
          emergencyContacts: [],
          needs: null,
          medicalNotes: null,
          photoConsent: false,
        }),
      );
      expect((await admin().get(`/participants/${res.body.id}`)).body).toEqual(res.body);
      expect((await admin().get('/participants?limit=200')).body.items).toContainEqual(res.body);
      expectProblem(await admin().get(`/participants/${NO_SUCH_ID}`), 404);
    });

    it('needs at least one guardian, each with a name and relationship', async () => {
      const before = await count('participants');
      const body = { firstName: 'A', lastName: 'B', dateOfBirth: '2013-05-14' };
      expectProblem(await admin().post('/participants', body), 400, 'guardians');
      expectProblem(await admin().post('/participants', { ...body, guardians: [] }), 400, 'guardians');
      expectProblem(await admin().post('/participants', { ...body, guardians: [{ relationship: 'father' }] }), 400, 'guardians.0.name');
      expectProblem(await admin().post('/participants', { ...body, guardians: [{ name: 'X', relationship: 'father', email: 'no' }] }), 400, 'guardians.0.email');
      expectProblem(await admin().post('/participants', { ...body, guardians: ['Alex'] }), 400, 'guardians.0');
      expect(await count('participants')).toBe(before);
    });

    it('dateOfBirth in the future → 400; impossible or malformed dates → 400; today is fine', async () => {
      const today = todayInLondon();
      const g = [{ name: 'X', relationship: 'carer' }];
      expectProblem(await admin().post('/participants', { firstName: 'A', lastName: 'B', dateOfBirth: addDays(today, 1), guardians: g }), 400, 'dateOfBirth');
      for (const bad of ['2013-02-29', '2027-02-30', '2013-13-01', '2013-5-14', '14/05/2013', '2013-05-14T00:00:00Z', 20130514, null]) {
        expectProblem(await admin().post('/participants', { firstName: 'A', lastName: 'B', dateOfBirth: bad, guardians: g }), 400, 'dateOfBirth');
      }
      expect((await admin().post('/participants', { firstName: 'A', lastName: 'B', dateOfBirth: today, guardians: g })).status).toBe(201);
      expect((await admin().post('/participants', { firstName: 'A', lastName: 'B', dateOfBirth: '2012-02-29', guardians: g })).status).toBe(201);
    });

    it('medicalNotes reach admin, coordinator, support_worker and safeguarding_lead; for integration keys the key is absent', async () => {
      const p = await f.participant({ medicalNotes, needs: 'Quiet room', photoConsent: true, emergencyContacts: [{ name: 'Gran', phone: '01223 000000' }] });
      expect(p.medicalNotes).toBe(medicalNotes);
      for (const role of ['coordinator', 'support_worker', 'safeguarding_lead']) {
        const user = await f.user(role);
        const one = await as(user.token).get(`/participants/${p.id}`);
        expect({ role, status: one.status, medicalNotes: one.body.medicalNotes }).toEqual({ role, status: 200, medicalNotes });
        const list = await as(user.token).get('/participants?limit=200');
        expect(list.body.items.find((x: Body) => x.id === p.id).medicalNotes).toBe(medicalNotes);
      }
      const key = await f.integration(['participants:read']);
      const one = await as(key.apiKey).get(`/participants/${p.id}`);
      expect(one.status).toBe(200);
      expect(one.body).not.toHaveProperty('medicalNotes');
      expect(one.body).toEqual(expect.objectContaining({ id: p.id, needs: 'Quiet room', photoConsent: true }));
      expect(JSON.stringify(one.body)).not.toContain(medicalNotes);
      const list = await as(key.apiKey).get('/participants?limit=200');
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBeGreaterThan(0);
      for (const item of list.body.items) expect(item).not.toHaveProperty('medicalNotes');
      expect(JSON.stringify(list.body)).not.toContain(medicalNotes);
    });

    it('finance never sees medical notes (participants are not theirs to read)', async () => {
      const p = await f.participant({ medicalNotes });
      const finance = await f.user('finance');
      for (const res of [await as(finance.token).get(`/participants/${p.id}`), await as(finance.token).get('/participants')]) {
        expectProblem(res, 403);
        expect(JSON.stringify(res.body)).not.toContain(medicalNotes);
      }
    });

    it('PATCH changes what it names, keeps the rules and answers with medicalNotes only for those who may read them', async () => {
      const p = await f.participant({ medicalNotes });
      const res = await admin().patch(`/participants/${p.id}`, { needs: 'Ear defenders', medicalNotes: 'Asthma', guardians: [{ name: 'Sam', relationship: 'father' }] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        expect.objectContaining({ id: p.id, firstName: p.firstName, needs: 'Ear defenders', medicalNotes: 'Asthma', guardians: [{ name: 'Sam', relationship: 'father' }] }),
      );
      expect((await admin().get(`/participants/${p.id}`)).body).toEqual(res.body);
      expectProblem(await admin().patch(`/participants/${p.id}`, { guardians: [] }), 400, 'guardians');
      expectProblem(await admin().patch(`/participants/${p.id}`, { dateOfBirth: addDays(todayInLondon(), 1) }), 400, 'dateOfBirth');
      expectProblem(await admin().patch(`/participants/${p.id}`, { dateOfBirth: '2013-02-30' }), 400, 'dateOfBirth');
      expectProblem(await admin().patch(`/participants/${p.id}`, { nickname: 'J' }), 400, 'nickname');
      expect((await admin().get(`/participants/${p.id}`)).body).toEqual(res.body);
      expectProblem(await admin().patch(`/participants/${NO_SUCH_ID}`, { needs: 'x' }), 404);
    });
  });

  describe('personal budgets', () => {
    let participant: Body & { id: string };
    let commissioner: Body & { id: string };

    beforeAll(async () => {
      participant = await f.participant();
      commissioner = await f.commissioner();
    });

    const budgetBody = (overrides: Body = {}) => ({
      type: 'managed',
      commissionerId: commissioner.id,
      reference: unique('PB'),
      amountPence: 180000,
      validFrom: '2026-04-01',
      validTo: '2027-03-31',
      ...overrides,
    });

    it('POST a managed budget → 201 with committedPence 0 and remainingPence = amountPence; GET and list', async () => {
      const body = budgetBody();
      const res = await admin().post(`/participants/${participant.id}/budgets`, body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          participantId: participant.id,
          type: 'managed',
          commissionerId: commissioner.id,
          reference: body.reference,
          amountPence: 180000,
          committedPence: 0,
          remainingPence: 180000,
          validFrom: '2026-04-01',
          validTo: '2027-03-31',
          holderName: null,
          holderEmail: null,
        }),
      );
      const list = await admin().get(`/participants/${participant.id}/budgets`);
      expect(list.status).toBe(200);
      expect(list.body.items).toContainEqual(res.body);
      expect((await admin().get(`/budgets/${res.body.id}`)).body).toEqual(res.body);
      expectProblem(await admin().get(`/budgets/${NO_SUCH_ID}`), 404);
    });

    it('a direct payment needs holderName and holderEmail → 400 naming the missing one', async () => {
      const path = `/participants/${participant.id}/budgets`;
      const before = await count('personal_budgets');
      expectProblem(await admin().post(path, budgetBody({ type: 'direct_payment', holderEmail: 'parent@example.org' })), 400, 'holderName');
      expectProblem(await admin().post(path, budgetBody({ type: 'direct_payment', holderName: 'Alex Smith' })), 400, 'holderEmail');
      expectProblem(await admin().post(path, budgetBody({ type: 'direct_payment', holderName: 'Alex Smith', holderEmail: 'nope' })), 400, 'holderEmail');
      expect(await count('personal_budgets')).toBe(before);
      const ok = await admin().post(path, budgetBody({ type: 'direct_payment', holderName: 'Alex Smith', holderEmail: 'parent@example.org', amountPence: 0 }));
      expect(ok.status).toBe(201);
      expect(ok.body).toEqual(
        expect.objectContaining({ type: 'direct_payment', holderName: 'Alex Smith', holderEmail: 'parent@example.org', amountPence: 0, remainingPence: 0 }),
      );
    });

    it('validTo before validFrom → 422 naming validTo', async () => {
      expectProblem(await admin().post(`/participants/${participant.id}/budgets`, budgetBody({ validFrom: '2027-04-01', validTo: '2027-03-31' })), 422, 'validTo');
    });

    it('malformed fields → 400 naming them', async () => {
      const path = `/participants/${participant.id}/budgets`;
      expectProblem(await admin().post(path, budgetBody({ amountPence: 1.5 })), 400, 'amountPence');
      expectProblem(await admin().post(path, budgetBody({ amountPence: -100 })), 400, 'amountPence');
      expectProblem(await admin().post(path, budgetBody({ amountPence: '1000' })), 400, 'amountPence');
      expectProblem(await admin().post(path, budgetBody({ type: 'voucher' })), 400, 'type');
      expectProblem(await admin().post(path, budgetBody({ validFrom: '2027-02-29' })), 400, 'validFrom');
    });

    it('reference is unique per commissioner → 409; another commissioner may reuse it', async () => {
      const reference = unique('PB');
      const path = `/participants/${participant.id}/budgets`;
      expect((await admin().post(path, budgetBody({ reference }))).status).toBe(201);
      const other = await f.participant();
      expectProblem(await admin().post(`/participants/${other.id}/budgets`, budgetBody({ reference })), 409);
      const second = await f.commissioner();
      expect((await admin().post(path, budgetBody({ reference, commissionerId: second.id }))).status).toBe(201);
    });

    it('unknown commissioner → 422 naming commissionerId; unknown participant → 404', async () => {
      const before = await count('personal_budgets');
      expectProblem(await admin().post(`/participants/${participant.id}/budgets`, budgetBody({ commissionerId: NO_SUCH_ID })), 422, 'commissionerId');
      expectProblem(await admin().post(`/participants/${NO_SUCH_ID}/budgets`, budgetBody()), 404);
      expectProblem(await admin().get(`/participants/${NO_SUCH_ID}/budgets`), 404);
      expect(await count('personal_budgets')).toBe(before);
    });
  });

  describe('null in a body', () => {
    /** Refused by validation, naming the field, before the database sees it ("must not be null" would be the database's). */
    const refusedByValidation = (res: Awaited<ReturnType<ReturnType<typeof admin>['patch']>>, field: string) => {
      expectProblem(res, 400, field);
      const message = res.body.errors.find((e: { field: string }) => e.field === field).message as string;
      expect({ field, message }).toEqual({ field, message: expect.not.stringMatching(/must not be null/) });
    };

    it('PATCH: null is refused for fields that must hold a value and clears the optional ones', async () => {
      const c = await f.commissioner({ invoiceEmail: 'ap@council.example', address: 'Shire Hall' });
      for (const field of ['name', 'code', 'paymentTermsDays']) refusedByValidation(await admin().patch(`/commissioners/${c.id}`, { [field]: null }), field);
      expect((await admin().patch(`/commissioners/${c.id}`, { invoiceEmail: null, address: null })).body).toEqual(
        expect.objectContaining({ invoiceEmail: null, address: null, paymentTermsDays: 30 }),
      );

      const p = await f.programme({ description: 'Saturdays' });
      for (const field of ['name', 'venue', 'minAge', 'maxAge', 'capacity']) refusedByValidation(await admin().patch(`/programmes/${p.id}`, { [field]: null }), field);
      expect((await admin().patch(`/programmes/${p.id}`, { description: null })).body).toEqual(expect.objectContaining({ description: null, capacity: 12 }));

      const contract = await f.contract(c.id, [p.id], { startsOn: '2080-01-01', endsOn: '2080-12-31', poNumber: 'PO-9', minParticipants: 4 });
      for (const field of ['reference', 'startsOn', 'endsOn', 'pricePerTermPence', 'vatRateBasisPoints', 'programmeIds']) {
        refusedByValidation(await admin().patch(`/contracts/${contract.id}`, { [field]: null }), field);
      }
      expect((await admin().patch(`/contracts/${contract.id}`, { poNumber: null, minParticipants: null })).body).toEqual(
        expect.objectContaining({ poNumber: null, minParticipants: null, programmeIds: [p.id] }),
      );

      const participant = await f.participant({ medicalNotes: 'Asthma', needs: 'Quiet room' });
      for (const field of ['firstName', 'lastName', 'dateOfBirth', 'guardians', 'emergencyContacts', 'photoConsent']) {
        refusedByValidation(await admin().patch(`/participants/${participant.id}`, { [field]: null }), field);
      }
      expect((await admin().patch(`/participants/${participant.id}`, { medicalNotes: null, needs: null })).body).toEqual(
        expect.objectContaining({ medicalNotes: null, needs: null, firstName: participant.firstName }),
      );
    });

    it('POST: null is not a value for a field with a default', async () => {
      const before = await count('participants');
      const body = { firstName: 'A', lastName: 'B', dateOfBirth: '2013-05-14', guardians: [{ name: 'G', relationship: 'mother' }] };
      refusedByValidation(await admin().post('/participants', { ...body, photoConsent: null }), 'photoConsent');
      refusedByValidation(await admin().post('/participants', { ...body, emergencyContacts: null }), 'emergencyContacts');
      expect(await count('participants')).toBe(before);
      refusedByValidation(await admin().post('/commissioners', { name: 'N', code: unique('N'), paymentTermsDays: null }), 'paymentTermsDays');
      refusedByValidation(await admin().post('/programmes', { name: 'P', venue: 'V', minAge: 11, maxAge: 15, capacity: null }), 'capacity');
      // optional fields without a default may be null
      expect((await admin().post('/participants', { ...body, medicalNotes: null, needs: null })).status).toBe(201);
    });
  });

  describe('cursor paging', () => {
    const LISTS = [
      '/users',
      '/integrations',
      '/commissioners',
      '/contracts',
      '/programmes',
      '/terms',
      '/participants',
    ];

    it('walking /commissioners with nextCursor returns every row exactly once, in creation order; default page 50', async () => {
      // enough rows for more than one default page
      for (let i = 0; i < 6; i++) await Promise.all(Array.from({ length: 10 }, () => f.commissioner()));
      const { rows } = await t.db.query('SELECT id FROM commissioners ORDER BY id');
      expect(rows.length).toBeGreaterThan(50);

      const first = await admin().get('/commissioners');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(50);
      expect(first.body.nextCursor).toEqual(expect.any(String));

      for (const limit of [1, 7, 50, 200]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res = await admin().get(`/commissioners?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          expect(res.status).toBe(200);
          expect(res.body.items.length).toBeLessThanOrEqual(limit);
          seen.push(...res.body.items.map((c: Body) => c.id as string));
          cursor = res.body.nextCursor;
          if (cursor !== null) expect(res.body.items).toHaveLength(limit);
          pages++;
        } while (cursor !== null && pages < 1000);
        expect({ limit, seen }).toEqual({ limit, seen: rows.map((r) => r.id) });
      }
    });

    it('a row created while walking shows up on a later page, never twice', async () => {
      const before = (await t.db.query('SELECT id FROM commissioners ORDER BY id')).rows.map((r) => r.id as string);
      const page1 = await admin().get('/commissioners?limit=5');
      const created = await f.commissioner();
      const seen: string[] = page1.body.items.map((c: Body) => c.id as string);
      let cursor: string | null = page1.body.nextCursor;
      while (cursor) {
        const res = await admin().get(`/commissioners?limit=5&cursor=${encodeURIComponent(cursor)}`);
        seen.push(...res.body.items.map((c: Body) => c.id as string));
        cursor = res.body.nextCursor;
      }
      expect(seen).toEqual([...before, created.id]);
    });

    it('walking /contracts (joined with their programmes) returns every contract once with all its programmes', async () => {
      const c = await f.commissioner();
      const programmes = await Promise.all([f.programme(), f.programme(), f.programme()]);
      for (let i = 0; i < 7; i++) {
        await f.contract(c.id, programmes.slice(0, 1 + (i % 3)).map((p) => p.id), { startsOn: `${2200 + i}-01-01`, endsOn: `${2200 + i}-12-31` });
      }
      const { rows } = await t.db.query(
        `SELECT c.id, coalesce(array_agg(cp.programme_id::text ORDER BY cp.programme_id) FILTER (WHERE cp.programme_id IS NOT NULL), '{}') AS programmes
           FROM contracts c LEFT JOIN contract_programmes cp ON cp.contract_id = c.id GROUP BY c.id ORDER BY c.id`,
      );
      expect(rows.some((r) => r.programmes.length > 1)).toBe(true);
      const seen: Array<{ id: string; programmes: string[] }> = [];
      let cursor: string | null = null;
      do {
        const res = await admin().get(`/contracts?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((c: Body) => ({ id: c.id as string, programmes: c.programmeIds as string[] })));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(rows.map((r) => ({ id: r.id, programmes: [...r.programmes].sort() })));
    });

    it.each(LISTS)('%s takes limit 1..200 (0, 201, -1, 1.5, "abc" → 400 naming limit) and refuses a bad cursor', async (path) => {
      const one = await admin().get(`${path}?limit=1`);
      expect(one.status).toBe(200);
      expect(Object.keys(one.body).sort()).toEqual(['items', 'nextCursor']);
      expect(one.body.items.length).toBeLessThanOrEqual(1);
      expect(one.body.nextCursor === null || typeof one.body.nextCursor === 'string').toBe(true);
      expect((await admin().get(`${path}?limit=200`)).status).toBe(200);
      for (const bad of ['0', '201', '-1', '1.5', 'abc', '10abc']) {
        expectProblem(await admin().get(`${path}?limit=${bad}`), 400, 'limit');
      }
      for (const bad of ['garbage', Buffer.from('not-a-uuid').toString('base64url'), 'x'.repeat(500), '%00']) {
        expectProblem(await admin().get(`${path}?cursor=${bad}`), 400, 'cursor');
      }
    });

    it('nested lists page too: sessions of a programme and budgets of a participant', async () => {
      const p = await f.programme();
      await f.term(termInYear(2120));
      for (const day of ['05', '12', '19']) await f.session(p.id, { date: `2120-02-${day}` });
      const page1 = await admin().get(`/programmes/${p.id}/sessions?limit=2`);
      expect(page1.body.items).toHaveLength(2);
      const page2 = await admin().get(`/programmes/${p.id}/sessions?limit=2&cursor=${page1.body.nextCursor}`);
      expect(page2.body).toEqual({ items: [expect.objectContaining({ date: '2120-02-19' })], nextCursor: null });
      expectProblem(await admin().get(`/programmes/${p.id}/sessions?limit=0`), 400, 'limit');

      const participant = await f.participant();
      const c = await f.commissioner();
      for (let i = 0; i < 3; i++) await f.budget(participant.id, c.id);
      const b1 = await admin().get(`/participants/${participant.id}/budgets?limit=2`);
      expect(b1.body.items).toHaveLength(2);
      const b2 = await admin().get(`/participants/${participant.id}/budgets?limit=2&cursor=${b1.body.nextCursor}`);
      expect(b2.body.items).toHaveLength(1);
      expect(b2.body.nextCursor).toBeNull();
      expectProblem(await admin().get(`/participants/${participant.id}/budgets?limit=201`), 400, 'limit');
    });
  });
});
