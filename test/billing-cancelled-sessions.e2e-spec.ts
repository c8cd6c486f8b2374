import fc from 'fast-check';
import pg from 'pg';
import { CommitmentSettlementService } from '../src/billing/commitments/commitment-settlement.service.js';
import { executeBillingRun } from '../src/billing/runs/billing-transactions.js';
import { todayInLondon } from '../src/common/london-calendar.js';
import { factories } from './factories.js';
import { allDocuments, inPgTransaction, type Json, runQuarter } from './support/billing.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/** A transaction on its own connection, with the `Queryable` shim the billing functions take. */
/**
 * The commissioner's credit for a cancelled session (API.md "Session cancellation and attendance
 * evidence"; issue 13 item 4): with `cancelledSessions: "credit"` the next run of the session's quarter
 * issues a credit note of price ÷ sessions for every place billed; with "make_up" nothing while a make-up
 * replaces it, and the same credit once the term is over without one. Each (place, session) is credited
 * once, however runs repeat or race. Every scenario has its own quarter, so runs do not meet.
 */
describe('credits for cancelled sessions', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let coordinator: { token: string };
  let pool: pg.Pool;

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    coordinator = await f.user('coordinator');
    pool = new pg.Pool({ connectionString: t.databaseUrl, max: 6 });
  });
  afterAll(async () => {
    await pool?.end();
    await t?.close();
  });

  const cancel = async (id: string) => {
    const res = await t.api().post(`/api/v1/sessions/${id}/cancel`).set(bearer(coordinator.token)).send({ reason: 'Venue closed' });
    expect(res.status).toBe(200);
  };

  /** A term with its own programme, commissioner, contract and sessions; `place()` registers a participant. */
  async function scenario(term: Json, dates: string[], contract: Json) {
    const created = await f.term(term);
    const world = await f.offer(created as never, { contract });
    const sessions: Record<string, string> = {};
    for (const date of dates) sessions[date] = (await f.session(world.programme.id, { date })).id;
    async function place(registeredOn: string, type: 'managed' | 'direct_payment' = 'managed') {
      const { participant, budget } = await f.applicant(created as never, world.commissioner.id, {
        budget: type === 'direct_payment' ? { type, holderName: 'Sam Jones', holderEmail: 'sam@family.example' } : {},
      });
      return f.post('/registrations', { participantId: participant.id, programmeId: world.programme.id, termId: created.id, budgetId: budget.id, registeredOn });
    }
    return { term: created, ...world, sessions, place };
  }

  const creditsTo = async (commissionerId: string) =>
    (await allDocuments(t)).filter((d) => d.kind === 'credit_note' && d.recipient.type === 'commissioner' && d.recipient.commissionerId === commissionerId);
  const cancelledEntries = async (sessionId: string) =>
    (await t.db.query(`SELECT count(*)::int AS n FROM billing_ledger WHERE unit = 'cancelled:' || $1::text`, [sessionId])).rows[0].n as number;

  it('"credit": the next run credits price ÷ sessions for every place billed (census places and a late joiner), once; families are unaffected', async () => {
    const dates = ['2025-01-11', '2025-01-18', '2025-01-25', '2025-02-01', '2025-02-08', '2025-02-15'];
    const s = await scenario({ name: 'Spring 2025 (credit)', startsOn: '2025-01-06', endsOn: '2025-03-28', censusDate: '2025-01-20' }, dates, {
      pricePerTermPence: 10000,
      vatRateBasisPoints: 2000,
      poNumber: 'PO-CREDIT-1',
    });
    const census = [await s.place('2025-01-10'), await s.place('2025-01-12')];
    // joining on 01-26 leaves 02-01, 02-08, 02-15: 3 of 6 sessions, 5000
    const late = await s.place('2025-01-26');
    expect(late.pricePence).toBe(5000);
    const family = await s.place('2025-01-10', 'direct_payment');
    await runQuarter(t, '2025-Q1');
    const invoiced = (await allDocuments(t)).filter((d) => d.kind === 'invoice' && d.recipient.commissionerId === s.commissioner.id);
    expect(invoiced.filter((d) => d.recipient.type === 'commissioner')).toHaveLength(1);
    expect(await creditsTo(s.commissioner.id)).toHaveLength(0);

    // 02-01 is the 4th of 6 sessions: 10000 = 4 × 1667 + 2 × 1666, so 1667 for a census place; the late
    // joiner's 5000 over its 3 sessions = 1667 + 1667 + 1666, 02-01 being its first: 1667
    await cancel(s.sessions['2025-02-01']);
    await runQuarter(t, '2025-Q1');
    const credits = await creditsTo(s.commissioner.id);
    expect(credits).toHaveLength(1);
    const [cn] = credits;
    expect(cn.lines).toHaveLength(1);
    expect(cn.lines[0]).toMatchObject({ kind: 'cancelled_session', quantity: 3, amountPence: 3 * 1667, vatPence: 3 * 333, periodStart: '2025-02-01', periodEnd: '2025-02-01' });
    expect(cn.lines[0].description).toMatch(/cancelled sessions/);
    expect(cn).toMatchObject({ netPence: 5001, vatPence: 999, totalPence: 6000, poNumber: 'PO-CREDIT-1', creditedDocumentId: invoiced.find((d) => d.recipient.type === 'commissioner')!.id });
    expect(cn.reason).toMatch(/cancelled/i);
    expect(cn.lines[0].budgetReferences).toHaveLength(3);
    expect(await cancelledEntries(s.sessions['2025-02-01'])).toBe(3);
    const perPlace = await t.db.query(`SELECT registration_id, amount_pence, change, version FROM billing_ledger WHERE unit = 'cancelled:' || $1::text`, [s.sessions['2025-02-01']]);
    expect(perPlace.rows.map((r: Json) => r.registration_id).sort()).toEqual([...census.map((c) => c.id), late.id].sort());
    expect(perPlace.rows.every((r: Json) => r.change === -1 && r.version === 1 && r.amount_pence === 1667)).toBe(true);
    // the credit note prints, and answers a council's query like any document
    const pdf = await t.api().get(`/api/v1/invoices/${cn.id}/pdf`).set(bearer(t.adminToken));
    expect(pdf.status).toBe(200);
    const evidence = await t.api().get(`/api/v1/invoices/${cn.id}/evidence`).set(bearer(t.adminToken));
    expect(evidence.status).toBe(200);
    expect(evidence.body.lines[0]).toMatchObject({ kind: 'cancelled_session', quantity: 3 });

    // a family paying by the session is never credited this way (its cancelled session was never charged)
    const familyEntries = await t.db.query(`SELECT count(*)::int AS n FROM billing_ledger WHERE registration_id = $1 AND unit LIKE 'cancelled:%'`, [family.id]);
    expect(familyEntries.rows[0].n).toBe(0);
    for (const d of (await allDocuments(t)).filter((x) => x.recipient.type === 'budget_holder')) {
      expect(d.lines.every((l: Json) => l.kind !== 'cancelled_session')).toBe(true);
    }

    // re-running issues nothing more
    const before = (await allDocuments(t)).length;
    await runQuarter(t, '2025-Q1');
    expect((await allDocuments(t)).length).toBe(before);
    expect(await cancelledEntries(s.sessions['2025-02-01'])).toBe(3);

    // at the term's end (28 March 2025, past) a place stays committed for what it is billed in the end
    await t.app.get(CommitmentSettlementService).settle();
    const committed = await t.db.query(`SELECT id, committed_pence FROM registrations WHERE id = ANY($1::uuid[])`, [[...census.map((c) => c.id), late.id]]);
    expect(Object.fromEntries(committed.rows.map((r: Json) => [r.id, r.committed_pence]))).toEqual({
      [census[0].id as string]: 10000 - 1667,
      [census[1].id as string]: 10000 - 1667,
      [late.id as string]: 5000 - 1667,
    });

    // the finance export carries the credit note like any other, one row per place
    const exported = await t.api().post('/api/v1/finance-exports').set(bearer(t.adminToken)).send({});
    expect(exported.status).toBe(201);
    const csv = await t.api().get(`/api/v1/finance-exports/${exported.body.id}/file`).set(bearer(t.adminToken)).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => done(null, text));
    });
    const rows = String(csv.body).split('\r\n').filter((line) => line.startsWith(cn.number));
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.includes('-16.67'))).toBe(true);
  });

  it('two runs of the quarter racing credit each place once', async () => {
    const s = await scenario({ name: 'Summer 2025 (race)', startsOn: '2025-04-07', endsOn: '2025-06-27', censusDate: '2025-04-20' }, ['2025-05-03', '2025-05-10', '2025-05-17'], {
      pricePerTermPence: 9000,
    });
    const first = await s.place('2025-04-10');
    await s.place('2025-04-11');
    await runQuarter(t, '2025-Q2');
    await cancel(s.sessions['2025-05-10']);
    const { rows } = await t.db.query(`INSERT INTO billing_runs (quarter, status) VALUES ('2025-Q2', 'failed'), ('2025-Q2', 'failed') RETURNING id`);
    const today = todayInLondon();
    const outcomes = await Promise.allSettled(rows.map((r: Json) => inPgTransaction(pool, (sql) => executeBillingRun(sql, r.id, today))));
    expect(outcomes.some((o) => o.status === 'fulfilled' && o.value.issued.length === 1)).toBe(true);
    const credits = await creditsTo(s.commissioner.id);
    expect(credits).toHaveLength(1);
    expect(credits[0].lines[0]).toMatchObject({ kind: 'cancelled_session', quantity: 2, amountPence: 6000 });
    expect(await cancelledEntries(s.sessions['2025-05-10'])).toBe(2);

    // one of the places withdrawn, backdated to the census: its credit is the price less what was already
    // credited for the cancelled session, so the commissioner is never credited more than it paid
    const withdrawn = await f.withdraw(first.id as string, { reason: 'Never attended', effectiveOn: '2025-04-20' });
    expect(withdrawn.status).toBe(200);
    await runQuarter(t, '2025-Q2');
    const all = await creditsTo(s.commissioner.id);
    expect(all).toHaveLength(2);
    const backdated = all.find((d) => d.id !== credits[0].id)!;
    expect(backdated.netPence).toBe(9000 - 3000);
    const net = await t.db.query(`SELECT sum(change * amount_pence)::int AS net FROM billing_ledger WHERE registration_id = $1`, [first.id]);
    expect(net.rows[0].net).toBe(0);
    // and a re-run changes nothing
    await runQuarter(t, '2025-Q2');
    expect(await creditsTo(s.commissioner.id)).toHaveLength(2);
  });

  it('a session cancelled before the place is billed: credited by the run that invoices the place, against that invoice', async () => {
    // the term starts in Q1 with one session, its census is in Q2: the place is billed by a Q2 run
    const s = await scenario({ name: 'Spring 2024 (early)', startsOn: '2024-03-01', endsOn: '2024-05-31', censusDate: '2024-04-10' }, ['2024-03-09', '2024-04-13', '2024-04-20'], {
      pricePerTermPence: 3000,
    });
    await s.place('2024-03-01');
    await cancel(s.sessions['2024-03-09']);
    await runQuarter(t, '2024-Q1');
    expect((await allDocuments(t)).filter((d) => d.recipient.commissionerId === s.commissioner.id)).toHaveLength(0);
    await runQuarter(t, '2024-Q2');
    const docs = (await allDocuments(t)).filter((d) => d.recipient.commissionerId === s.commissioner.id);
    expect(docs.map((d) => d.kind).sort()).toEqual(['credit_note', 'invoice']);
    const invoice = docs.find((d) => d.kind === 'invoice')!;
    const cn = docs.find((d) => d.kind === 'credit_note')!;
    expect(cn.lines[0]).toMatchObject({ kind: 'cancelled_session', quantity: 1, amountPence: 1000 });
    const entry = await t.db.query(`SELECT reverses_document_id FROM billing_ledger WHERE unit = 'cancelled:' || $1::text`, [s.sessions['2024-03-09']]);
    expect(entry.rows).toEqual([{ reverses_document_id: invoice.id }]);
    await runQuarter(t, '2024-Q2');
    await runQuarter(t, '2024-Q1');
    expect((await allDocuments(t)).filter((d) => d.recipient.commissionerId === s.commissioner.id)).toHaveLength(2);
  });

  it('the ledger key refuses a second credit of the same place and session', async () => {
    // the very entry again, every other check satisfied: only the key (registration, unit, version) refuses it
    const columns = `registration_id, unit, version, change, programme_id, term_id, document_id, line, budget_reference, council_id,
                     session_id, session_date, amount_pence, vat_pence, reverses_document_id`;
    await expect(
      t.db.query(`INSERT INTO billing_ledger (${columns}) SELECT ${columns} FROM billing_ledger WHERE unit LIKE 'cancelled:%' LIMIT 1`),
    ).rejects.toMatchObject({ code: '23505', constraint: 'billing_ledger_pkey' });
    // and a cancelled-session unit is only ever a credit of its own session
    await expect(
      t.db.query(
        `INSERT INTO billing_ledger (${columns})
         SELECT registration_id, unit, 2, 1, programme_id, term_id, document_id, line, budget_reference, council_id,
                session_id, session_date, amount_pence, vat_pence, NULL FROM billing_ledger WHERE unit LIKE 'cancelled:%' LIMIT 1`,
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'billing_ledger_unit' });
  });

  it('"make_up": no credit while a make-up replaces the session; credited once the term has ended without one', async () => {
    const s = await scenario({ name: 'Summer term 2025 (make-up)', startsOn: '2025-07-01', endsOn: '2025-09-20', censusDate: '2025-07-10' }, ['2025-07-05', '2025-07-12', '2025-07-19', '2025-07-26'], {
      pricePerTermPence: 8000,
      cancelledSessions: 'make_up',
    });
    await s.place('2025-07-01');
    await runQuarter(t, '2025-Q3');
    await cancel(s.sessions['2025-07-12']);
    const makeUp = await t.api().post(`/api/v1/programmes/${s.programme.id}/sessions`).set(bearer(coordinator.token))
      .send({ date: '2025-08-02', startTime: '10:00', endTime: '15:00', replacesSessionId: s.sessions['2025-07-12'] });
    expect(makeUp.status).toBe(201);
    await cancel(s.sessions['2025-07-19']);
    await runQuarter(t, '2025-Q3');
    const credits = await creditsTo(s.commissioner.id);
    expect(credits).toHaveLength(1);
    // 8000 over the 4 planned sessions (the make-up is not one of them): 2000 each; only 07-19 is credited
    expect(credits[0].lines[0]).toMatchObject({ kind: 'cancelled_session', quantity: 1, amountPence: 2000, periodStart: '2025-07-19' });
    expect(await cancelledEntries(s.sessions['2025-07-12'])).toBe(0);
  });

  it('"make_up": nothing before the term ends, even for a session long past', async () => {
    const s = await scenario({ name: 'Long term (make-up)', startsOn: '2026-07-01', endsOn: '2027-07-20', censusDate: '2026-07-10' }, ['2026-07-11', '2026-07-18'], {
      pricePerTermPence: 6000,
      cancelledSessions: 'make_up',
    });
    await s.place('2026-07-01');
    await runQuarter(t, '2026-Q3');
    await cancel(s.sessions['2026-07-18']);
    await runQuarter(t, '2026-Q3');
    await runQuarter(t, '2026-Q4');
    expect(await creditsTo(s.commissioner.id)).toHaveLength(0);
    expect(await cancelledEntries(s.sessions['2026-07-18'])).toBe(0);
  });

  it('place_cancellation_shares splits a price exactly, earliest sessions a penny more (property)', async () => {
    const s = await scenario({ name: 'Shares 2023', startsOn: '2023-01-08', endsOn: '2023-03-28', censusDate: '2023-01-20' }, [], { pricePerTermPence: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push((await f.session(s.programme.id, { date: `2023-02-${String(i + 1).padStart(2, '0')}` })).id);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), async (price) => {
        const { rows } = await t.db.query(
          `SELECT share_pence FROM place_cancellation_shares($1, $2, '2023-01-10', false, $3, now()) ORDER BY session_date`,
          [s.programme.id, s.term.id, price],
        );
        const shares = rows.map((r: Json) => r.share_pence as number);
        expect(shares).toHaveLength(9);
        expect(shares.reduce((a: number, b: number) => a + b, 0)).toBe(price);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        expect([...shares].sort((a, b) => b - a)).toEqual(shares);
      }),
      { numRuns: 50 },
    );
  });
});
