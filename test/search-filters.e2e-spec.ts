import { DataSource } from 'typeorm';
import { Participant } from '../src/participants/participant.entity.js';
import { filterParticipants } from '../src/participants/participant.repository.js';
import { Programme } from '../src/programmes/programme.entity.js';
import { filterProgrammes } from '../src/programmes/programme.repository.js';
import { addDays, factories, londonToday, type TermDates } from './factories.js';
import { allDocuments, billingWorld, type Json, runQuarter } from './support/billing.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Finding things (issue 10, item 8): `q` name prefixes on participants and programmes (case-insensitive,
 * wildcards literal, index-backed, paged), number/status/dueBefore on invoices, commissioner names in
 * headcounts, and who a withdrawal promoted.
 *
 * The invoices come from the Autumn 2026 world of test/support/billing.ts; withdrawals use a term of
 * their own starting 400 days from today (after that world's term, and not ended, so places are promoted).
 */
describe('search and filters', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
  });
  afterAll(() => t?.close());

  const list = async (path: string, query: Record<string, string | number>) => {
    const res = await t.api().get(`/api/v1${path}`).query(query).set(bearer(t.adminToken));
    expect(res.status).toBe(200);
    return res.body as { items: Json[]; nextCursor: string | null };
  };
  /** Every page of a filtered list, `limit` at a time. */
  const walk = async (path: string, query: Record<string, string | number>, limit: number) => {
    const items: Json[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(path, { ...query, limit, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    return { items, pages };
  };
  const refused = async (path: string, query: Record<string, string>, field: string) => {
    const res = await t.api().get(`/api/v1${path}`).query(query).set(bearer(t.adminToken));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field })] });
    return res.body;
  };

  /**
   * EXPLAIN of the list query the service builds (as paginate() finishes it: id order, a page and one),
   * with 5,000 more rows in a transaction that is rolled back, so the planner has a real choice.
   */
  async function planOf(table: 'participants' | 'programmes', q: string): Promise<string> {
    const dataSource = t.app.get(DataSource);
    const qb =
      table === 'participants'
        ? filterParticipants(dataSource.getRepository(Participant).createQueryBuilder('participant'), { q })
        : filterProgrammes(dataSource.getRepository(Programme).createQueryBuilder('programme'), { q });
    const [sql, parameters] = qb.orderBy(`${qb.alias}.id`, 'ASC').take(51).getQueryAndParameters();
    const client = await t.db.connect();
    try {
      await client.query('BEGIN');
      if (table === 'participants') {
        await client.query(`INSERT INTO participants (first_name, last_name, date_of_birth, guardians)
                            SELECT 'First' || i, 'Last' || i, '2013-05-14', '[{"name": "A", "relationship": "mother"}]'
                              FROM generate_series(1, 5000) i`);
      } else {
        await client.query(`INSERT INTO programmes (name, venue, min_age, max_age) SELECT 'Programme ' || i, 'Venue', 11, 15 FROM generate_series(1, 5000) i`);
      }
      await client.query(`ANALYZE ${table}`);
      const { rows } = await client.query(`EXPLAIN ${sql}`, parameters);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('the OpenAPI document shows the new query parameters and fields', async () => {
    const doc = (await t.api().get('/api/docs-json')).body;
    const params = (path: string) => (doc.paths[path].get.parameters as Json[]).filter((p) => p.in === 'query').map((p) => p.name);
    expect(params('/api/v1/participants')).toEqual(expect.arrayContaining(['limit', 'cursor', 'q', 'programmeId', 'termId', 'registrationStatus']));
    expect(params('/api/v1/programmes')).toEqual(expect.arrayContaining(['limit', 'cursor', 'q']));
    expect(params('/api/v1/invoices')).toEqual(expect.arrayContaining(['billingRunId', 'kind', 'number', 'status', 'dueBefore']));
    const schemaOf = (ref: string) => doc.components.schemas[ref.replace('#/components/schemas/', '')];
    const withdrawal = schemaOf(doc.paths['/api/v1/registrations/{id}/withdraw'].post.responses['200'].content['application/json'].schema.$ref);
    expect(Object.keys(withdrawal.properties)).toEqual(expect.arrayContaining(['status', 'withdrawalReason', 'promoted']));
    expect(withdrawal.required).toContain('promoted');
    expect(doc.components.schemas.CommissionerHeadcountResponse.properties).toHaveProperty('commissionerName');
  });

  describe('GET /participants?q=', () => {
    const people: Record<string, string> = {};
    beforeAll(async () => {
      const make = async (key: string, firstName: string, lastName: string) => {
        people[key] = (await f.participant({ firstName, lastName })).id;
      };
      await make('maya', 'Maya', 'Patel');
      await make('mayank', 'MAYANK', 'Shah');
      await make('mayall', 'Jamie', 'Mayall');
      await make('sam', 'Sam', 'Smith');
      await make('underscore', 'Zo_e', 'Literal');
      await make('zoxe', 'Zoxe', 'Literal');
      await make('percent', 'Ab%', 'Literal');
      await make('abc', 'Abc', 'Literal');
      await make('backslash', 'Q\\R', 'Literal');
      await make('qr', 'QR', 'Literal');
    });
    const ids = async (q: string, extra: Record<string, string> = {}) =>
      (await walk('/participants', { q, ...extra }, 200)).items.map((p) => p.id as string).sort();
    const of = (...keys: string[]) => keys.map((k) => people[k]).sort();

    it('matches the start of the first name or of the last name, whatever the case', async () => {
      expect(await ids('Maya')).toEqual(of('maya', 'mayank', 'mayall'));
      expect(await ids('mAyA')).toEqual(of('maya', 'mayank', 'mayall'));
      expect(await ids('MAYAL')).toEqual(of('mayall'));
      expect(await ids('smi')).toEqual(of('sam'));
    });

    it('matches the start of "first last", and nothing in the middle of a name', async () => {
      expect(await ids('maya pa')).toEqual(of('maya'));
      expect(await ids('jamie mayall')).toEqual(of('mayall'));
      expect(await ids('atel')).toEqual([]);
      expect(await ids('Patel Maya')).toEqual([]);
    });

    it('answers an empty page when nothing matches', async () => {
      expect(await list('/participants', { q: 'Nobody' })).toEqual({ items: [], nextCursor: null });
    });

    it('takes %, _ and \\ literally', async () => {
      expect(await ids('Zo_')).toEqual(of('underscore'));
      expect(await ids('Ab%')).toEqual(of('percent'));
      expect(await ids('Ab')).toEqual(of('percent', 'abc'));
      expect(await ids('%')).toEqual([]);
      expect(await ids('_')).toEqual([]);
      expect(await ids('Q\\')).toEqual(of('backslash'));
      expect(await ids('Q')).toEqual(of('backslash', 'qr'));
    });

    it('returns the whole participant, as the unfiltered list does', async () => {
      const [found] = (await list('/participants', { q: 'Maya Patel' })).items;
      const res = await f.get(`/participants/${people.maya}`);
      expect(found).toEqual(res.body);
    });

    it('pages a filtered list with the cursor: every match once, in id order, nothing else', async () => {
      const pagers: string[] = [];
      for (let i = 0; i < 5; i++) pagers.push((await f.participant({ firstName: `Kid${i}`, lastName: 'Pagewright' })).id);
      const { items, pages } = await walk('/participants', { q: 'pagew' }, 2);
      expect(pages).toBe(3);
      expect(items.map((p) => p.id)).toEqual(pagers);
    });

    it('ignores surrounding spaces, and an empty q is no filter', async () => {
      expect(await ids('  maya pa ')).toEqual(of('maya'));
      const all = (await walk('/participants', {}, 200)).items.map((p) => p.id).sort();
      expect(await ids('')).toEqual(all);
      expect(await ids('   ')).toEqual(all);
    });

    it('refuses a q over 100 characters, and unknown query fields, with 400', async () => {
      await refused('/participants', { q: 'x'.repeat(101) }, 'q');
      expect((await list('/participants', { q: 'x'.repeat(100) })).items).toEqual([]);
      await refused('/participants', { name: 'Maya' }, 'name');
      await refused('/participants', { registrationStatus: 'gone' }, 'registrationStatus');
      await refused('/participants', { programmeId: 'not-an-id' }, 'programmeId');
    });

    it('is served by the name indexes', async () => {
      const plan = await planOf('participants', 'Maya');
      expect(plan).toContain('participants_full_name_prefix');
      expect(plan).toContain('participants_last_name_prefix');
      expect(plan).not.toContain('Seq Scan');
    });
  });

  describe('GET /programmes?q=', () => {
    const made: Record<string, string> = {};
    beforeAll(async () => {
      for (const [key, name] of Object.entries({ arts: 'Arts Pioneers', crafts: 'arts & crafts', club: 'Holiday Club', pct: '100% Fun', hundred: '100 Club' })) {
        made[key] = (await f.programme({ name })).id;
      }
    });
    const ids = async (q: string) => (await walk('/programmes', { q }, 200)).items.map((p) => p.id as string).sort();
    const of = (...keys: string[]) => keys.map((k) => made[k]).sort();

    it('matches the start of the name, whatever the case, % literally', async () => {
      expect(await ids('ARTS')).toEqual(of('arts', 'crafts'));
      expect(await ids('arts p')).toEqual(of('arts'));
      expect(await ids('holiday')).toEqual(of('club'));
      expect(await ids('100%')).toEqual(of('pct'));
      expect(await ids('100')).toEqual(of('pct', 'hundred'));
      expect(await ids('club')).toEqual([]);
      expect(await list('/programmes', { q: 'Nothing like it' })).toEqual({ items: [], nextCursor: null });
    });

    it('pages a filtered list', async () => {
      const { items, pages } = await walk('/programmes', { q: 'a' }, 1);
      expect(pages).toBe(2);
      expect(items.map((p) => p.id)).toEqual([made.arts, made.crafts]);
    });

    it('refuses a q over 100 characters and unknown fields (400), and is served by its index', async () => {
      await refused('/programmes', { q: 'y'.repeat(101) }, 'q');
      await refused('/programmes', { name: 'Arts' }, 'name');
      const plan = await planOf('programmes', 'Arts');
      expect(plan).toContain('programmes_name_prefix');
      expect(plan).not.toContain('Seq Scan');
    });
  });

  describe('invoices by number, status and due date; headcounts with names', () => {
    let w: Awaited<ReturnType<typeof billingWorld>>;
    let docs: Json[];
    let suffolk: Json & { id: string };
    const byCommissioner = (id: string) => docs.find((d) => d.kind === 'invoice' && d.recipient.commissionerId === id)!;

    beforeAll(async () => {
      w = await billingWorld(t);
      suffolk = await w.f.commissioner({ name: 'Suffolk County Council', paymentTermsDays: 60 });
      await w.f.contract(suffolk.id, [w.programme.id], { pricePerTermPence: 40000 });
      await w.place();
      await w.place();
      await w.place({ commissionerId: w.essex.id });
      await w.place({ commissionerId: suffolk.id });
      await runQuarter(t, '2026-Q4');
      const invoices = await allDocuments(t);
      // Cambridgeshire's invoice is credited in full, Essex's paid in full, Suffolk's stays issued
      const cambs = invoices.find((d) => d.recipient.commissionerId === w.cambs.id)!;
      const essex = invoices.find((d) => d.recipient.commissionerId === w.essex.id)!;
      const credited = await t.api().post(`/api/v1/invoices/${cambs.id}/credit-notes`).set(bearer(t.adminToken)).send({ reason: 'Wrong PO' });
      expect(credited.status).toBe(201);
      const paid = await t
        .api()
        .post(`/api/v1/invoices/${essex.id}/payments`)
        .set(bearer(t.adminToken))
        .send({ amountPence: essex.totalPence, receivedOn: essex.issueDate, reference: 'BACS ESSEX' });
      expect(paid.status).toBe(201);
      docs = await allDocuments(t);
    });

    it('has the documents this needs: three invoices, one of each status, and a credit note', () => {
      expect(docs.map((d) => [d.kind, d.status]).sort()).toEqual([
        ['credit_note', 'issued'],
        ['invoice', 'credited'],
        ['invoice', 'issued'],
        ['invoice', 'paid'],
      ]);
    });

    it('number: exactly one document, exactly that number', async () => {
      for (const d of docs) expect((await list('/invoices', { number: d.number })).items.map((x) => x.id)).toEqual([d.id]);
      expect((await list('/invoices', { number: 'INV-000002' })).items.map((x) => x.number)).toEqual(['INV-000002']);
      expect((await list('/invoices', { number: 'inv-000002' })).items).toEqual([]);
      expect((await list('/invoices', { number: 'INV-00000' })).items).toEqual([]);
      expect((await list('/invoices', { number: 'INV-%' })).items).toEqual([]);
      await refused('/invoices', { number: 'N'.repeat(51) }, 'number');
    });

    it.each(['issued', 'paid', 'credited'])('status=%s: the documents in that status, and only those', async (status) => {
      const found = (await walk('/invoices', { status }, 1)).items;
      expect(found.map((d) => d.id).sort()).toEqual(docs.filter((d) => d.status === status).map((d) => d.id).sort());
      expect(found.length).toBeGreaterThan(0);
    });

    it('status with the other filters', async () => {
      expect((await list('/invoices', { status: 'issued', kind: 'invoice' })).items.map((d) => d.id)).toEqual([byCommissioner(suffolk.id).id]);
      expect((await list('/invoices', { status: 'paid', commissionerId: w.cambs.id })).items).toEqual([]);
      expect((await list('/invoices', { status: 'credited', commissionerId: w.cambs.id })).items.map((d) => d.id)).toEqual([byCommissioner(w.cambs.id).id]);
    });

    it('dueBefore: due strictly before that date', async () => {
      const dueDates = [...new Set(docs.map((d) => d.dueDate as string))].sort();
      expect(dueDates.length).toBeGreaterThan(1);
      for (const date of [...dueDates, addDays(dueDates[0], -1), addDays(dueDates[dueDates.length - 1], 1)]) {
        const found = (await walk('/invoices', { dueBefore: date }, 2)).items.map((d) => d.id).sort();
        expect(found).toEqual(docs.filter((d) => d.dueDate < date).map((d) => d.id).sort());
      }
      const essex = byCommissioner(w.essex.id);
      expect((await list('/invoices', { dueBefore: addDays(essex.dueDate, 1), status: 'paid' })).items.map((d) => d.id)).toEqual([essex.id]);
    });

    it.each(['2026-02-30', '31/12/2026', '2026-12-1', 'yesterday', '2026-12-31T00:00:00Z'])('refuses dueBefore=%s with a 400 problem', async (bad) => {
      await refused('/invoices', { dueBefore: bad }, 'dueBefore');
    });

    it('refuses an unknown status, and still refuses unknown fields', async () => {
      await refused('/invoices', { status: 'overdue' }, 'status');
      await refused('/invoices', { dueAfter: '2026-12-01' }, 'dueAfter');
    });

    it('headcounts name each commissioner, keeping the id', async () => {
      const res = await w.f.get(`/programmes/${w.programme.id}/terms/${w.term.id}/headcount`);
      expect(res.status).toBe(200);
      const names = Object.fromEntries(res.body.byCommissioner.map((c: Json) => [c.commissionerId, c.commissionerName]));
      expect(names).toEqual({
        [w.cambs.id]: 'Cambridgeshire County Council',
        [w.essex.id]: 'Essex County Council',
        [suffolk.id]: 'Suffolk County Council',
      });
      expect(res.body.byCommissioner.find((c: Json) => c.commissionerId === w.essex.id)).toMatchObject({ count: 1, managedCount: 1 });
    });
  });

  describe('a withdrawal says who it promoted', () => {
    const today = londonToday();
    let term: TermDates;
    beforeAll(async () => {
      term = await f.term({ name: 'Later', startsOn: addDays(today, 400), censusDate: addDays(today, 430), endsOn: addDays(today, 500) });
    });

    it('promoted: the waitlisted registration that took the freed place, in the same request', async () => {
      const offer = await f.offer(term, { programme: { capacity: 1 } });
      const holder = await f.registered(term, offer.programme, offer.commissioner.id);
      const first = await f.registered(term, offer.programme, offer.commissioner.id);
      const second = await f.registered(term, offer.programme, offer.commissioner.id);
      expect([first.registration.status, second.registration.status]).toEqual(['waitlisted', 'waitlisted']);

      const res = await f.withdraw(holder.registration.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: holder.registration.id, status: 'withdrawn' });
      expect(res.body.promoted).toEqual({ registrationId: first.registration.id, participantId: first.participant.id });
      expect((await f.get(`/registrations/${first.registration.id}`)).body.status).toBe('registered');
      expect((await f.get(`/registrations/${second.registration.id}`)).body.status).toBe('waitlisted');
    });

    it('passes over one whose budget cannot pay, and names the one promoted', async () => {
      const offer = await f.offer(term, { programme: { capacity: 1 } });
      const elsewhere = await f.offer(term, { commissioner: offer.commissioner, programme: { name: 'Holiday Club' } });
      const holder = await f.registered(term, offer.programme, offer.commissioner.id);
      const poor = await f.registered(term, offer.programme, offer.commissioner.id, { budget: { amountPence: 45000 } });
      const next = await f.registered(term, offer.programme, offer.commissioner.id);
      const spent = await f.register(f.registrationOf(poor.participant, elsewhere.programme, term, poor.budget));
      expect(spent.body.status).toBe('registered');

      const res = await f.withdraw(holder.registration.id);
      expect(res.body.promoted).toEqual({ registrationId: next.registration.id, participantId: next.participant.id });
    });

    it('promoted: null when nobody waits, when a waiting registration withdraws, and when nobody can pay', async () => {
      const offer = await f.offer(term, { programme: { capacity: 1 } });
      const holder = await f.registered(term, offer.programme, offer.commissioner.id);
      const waiting = await f.registered(term, offer.programme, offer.commissioner.id);
      const leaving = await f.withdraw(waiting.registration.id);
      expect(leaving.status).toBe(200);
      expect(leaving.body).toMatchObject({ status: 'withdrawn', promoted: null });

      const alone = await f.withdraw(holder.registration.id);
      expect(alone.status).toBe(200);
      expect(alone.body).toMatchObject({ status: 'withdrawn', promoted: null });

      const full = await f.offer(term, { programme: { capacity: 1 } });
      const other = await f.offer(term, { commissioner: full.commissioner, programme: { name: 'Other' } });
      const holds = await f.registered(term, full.programme, full.commissioner.id);
      const broke = await f.registered(term, full.programme, full.commissioner.id, { budget: { amountPence: 45000 } });
      expect((await f.register(f.registrationOf(broke.participant, other.programme, term, broke.budget))).body.status).toBe('registered');
      const res = await f.withdraw(holds.registration.id);
      expect(res.body).toMatchObject({ status: 'withdrawn', promoted: null });
      expect((await f.get(`/registrations/${broke.registration.id}`)).body.status).toBe('waitlisted');
    });

    it('participants can be found by their registrations', async () => {
      const offer = await f.offer(term, { programme: { capacity: 1 } });
      const holder = await f.registered(term, offer.programme, offer.commissioner.id);
      const waiting = await f.registered(term, offer.programme, offer.commissioner.id);
      const ids = async (query: Record<string, string>) => (await walk('/participants', query, 200)).items.map((p) => p.id).sort();
      expect(await ids({ programmeId: offer.programme.id })).toEqual([holder.participant.id, waiting.participant.id].sort());
      expect(await ids({ programmeId: offer.programme.id, termId: term.id, registrationStatus: 'waitlisted' })).toEqual([waiting.participant.id]);
      expect(await ids({ programmeId: offer.programme.id, registrationStatus: 'withdrawn' })).toEqual([]);
      expect(await ids({ programmeId: offer.programme.id, q: 'jamie smith' })).toEqual([holder.participant.id, waiting.participant.id].sort());
      expect(await ids({ programmeId: offer.programme.id, q: 'maya' })).toEqual([]);
    });
  });
});
