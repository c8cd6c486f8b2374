import { CommitmentSettlementService } from '../src/billing/commitments/commitment-settlement.service.js';
import { addDays, factories, londonToday } from './factories.js';
import { allDocuments, type Json, runQuarter } from './support/billing.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/** RFC 4180 rows (enough for the assertions). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      (row = []), (field = ''), i++;
    } else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

/**
 * API.md v1.1 through the API: prices fixed when a place is taken (rule 11), late joiners (rule 12),
 * direct payments billed per quarter (rule 13), the term-end settlement of commitments, VAT treatment,
 * ledger codes, council client ids and the export layouts.
 *
 * Terms of 2025 (all ended; "today" is later) with sessions in several quarters; runs of a past quarter
 * bill everything dated in it. Each term belongs to one describe block (terms are global).
 */
describe('billing v1.1', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let finance: Json & { token: string };

  beforeAll(async () => {
    t = await createTestApp({ env: { OUTBOX_SWEEP_INTERVAL_MS: '500' } });
    f = factories(t);
    finance = await f.user('finance');
  });
  afterAll(() => t?.close());

  const api = () => t.api();
  const get = async (path: string) => (await api().get(`/api/v1${path}`).set(bearer(t.adminToken))).body;
  const budgetOf = (id: string) => t.db.query(`SELECT committed_pence FROM personal_budgets WHERE id = $1`, [id]).then((r) => r.rows[0].committed_pence);
  const registrationOf = (id: string) => get(`/registrations/${id}`);

  /** A programme with its own commissioner and contract; sessions on the given dates; a term given by the caller. */
  async function offer(_term: Json, sessions: string[], contract: Json = {}) {
    const commissioner = await f.commissioner({ name: 'Suffolk County Council', invoiceEmail: 'ap@suffolk.example' });
    const programme = await f.programme();
    const k = await f.contract(commissioner.id, [programme.id], { startsOn: '2022-01-01', endsOn: '2030-12-31', pricePerTermPence: 45000, ...contract });
    for (const date of sessions) await f.session(programme.id, { date });
    return { commissioner, programme, contract: k };
  }

  async function place(term: Json, o: Json, options: { registeredOn: string; type?: string; reference?: string; holderAddress?: Json; councilId?: string }) {
    const participant = await f.participant({
      dateOfBirth: '2011-03-01',
      ...(options.councilId ? { councilIds: [{ commissionerId: o.commissioner.id, id: options.councilId }] } : {}),
    });
    const budget = await f.budget(participant.id, o.commissioner.id, {
      validFrom: '2022-01-01',
      validTo: '2030-12-31',
      ...(options.reference ? { reference: options.reference } : {}),
      ...(options.type === 'direct_payment'
        ? { type: 'direct_payment', holderName: 'Sam Jones', holderEmail: 'sam@family.example', ...(options.holderAddress ? { holderAddress: options.holderAddress } : {}) }
        : {}),
    });
    const res = await f.register({ participantId: participant.id, programmeId: o.programme.id, termId: term.id, budgetId: budget.id, registeredOn: options.registeredOn });
    expect(res.status).toBe(201);
    return { participant, budget, registration: res.body as Json };
  }

  describe('prices fixed when a place is taken; contract periods (rule 11)', () => {
    let term: Json;
    let o: Awaited<ReturnType<typeof offer>>;
    beforeAll(async () => {
      term = await f.term({ name: 'Spring 2025', startsOn: '2025-01-06', endsOn: '2025-03-28', censusDate: '2025-02-01' });
      o = await offer(term, ['2025-01-11', '2025-02-08'], { poNumber: 'PO-1' });
    });

    it('refuses a price or PO change by PATCH once a registration uses the contract (422 contract-in-use); other fields still change', async () => {
      const placed = await place(term, o, { registeredOn: '2025-01-10' });
      expect(placed.registration.pricePence).toBe(45000);
      const patch = (body: Json) => api().patch(`/api/v1/contracts/${o.contract.id}`).set(bearer(t.adminToken)).send(body);
      const price = await patch({ pricePerTermPence: 50000 });
      expect(price.status).toBe(422);
      expect(price.body.type).toMatch(/\/contract-in-use$/);
      expect(price.body.errors).toEqual([expect.objectContaining({ field: 'pricePerTermPence' })]);
      expect((await patch({ poNumber: 'PO-2' })).body.type).toMatch(/\/contract-in-use$/);
      const other = await patch({ minParticipants: 3, reference: 'SUFFOLK-RENAMED', endsOn: '2028-03-31' });
      expect(other.status).toBe(200);
      expect(other.body).toMatchObject({ minParticipants: 3, pricePerTermPence: 45000, endsOn: '2028-03-31' });
      expect(other.body.periods).toEqual([{ startsOn: '2022-01-01', endsOn: '2028-03-31', pricePerTermPence: 45000, poNumber: 'PO-1' }]);
    });

    it('bills the price the registration committed, whatever the contract says later', async () => {
      // the bug this fixes: billing read the contract's price on the day of the run. Move it behind the API's back.
      await t.db.query(`UPDATE contracts SET price_per_term_pence = 99999 WHERE id = $1`, [o.contract.id]);
      await t.db.query(`UPDATE contract_periods SET price_per_term_pence = 99999 WHERE contract_id = $1`, [o.contract.id]);
      const run = await runQuarter(t, '2025-Q1', finance.token);
      const [invoice] = await allDocuments(t, { billingRunId: run.id });
      expect(invoice.lines).toEqual([expect.objectContaining({ kind: 'census', quantity: 1, unitPence: 45000, amountPence: 45000 })]);
      expect(invoice.poNumber).toBe('PO-1');
      await t.db.query(`UPDATE contracts SET price_per_term_pence = 45000 WHERE id = $1`, [o.contract.id]);
      await t.db.query(`UPDATE contract_periods SET price_per_term_pence = 45000 WHERE contract_id = $1`, [o.contract.id]);
    });

    it('extends a contract with a new period: later terms take its price and PO; a term in use cannot be repriced', async () => {
      const extend = (body: Json) => api().post(`/api/v1/contracts/${o.contract.id}/extensions`).set(bearer(t.adminToken)).send(body);
      const tooEarly = await extend({ endsOn: '2029-03-31', effectiveFrom: '2025-01-06', pricePerTermPence: 47000 });
      expect(tooEarly.status).toBe(422);
      expect(tooEarly.body.type).toMatch(/\/contract-in-use$/);
      const res = await extend({ endsOn: '2029-03-31', effectiveFrom: '2025-04-01', pricePerTermPence: 47000, poNumber: 'PO-EXT' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ endsOn: '2029-03-31', pricePerTermPence: 47000, poNumber: 'PO-EXT' });
      expect(res.body.periods).toEqual([
        { startsOn: '2022-01-01', endsOn: '2025-03-31', pricePerTermPence: 45000, poNumber: 'PO-1' },
        { startsOn: '2025-04-01', endsOn: '2029-03-31', pricePerTermPence: 47000, poNumber: 'PO-EXT' },
      ]);
      expect((await get(`/contracts/${o.contract.id}`)).periods).toHaveLength(2);
      // the Spring term still takes the first period's price; a summer term the extension's
      const spring = await place(term, o, { registeredOn: '2025-01-20' });
      expect(spring.registration.pricePence).toBe(45000);
      const summer = await f.term({ name: 'Summer 2025', startsOn: '2025-04-22', endsOn: '2025-07-18', censusDate: '2025-05-01' });
      const later = await place(summer, o, { registeredOn: '2025-04-25' });
      expect(later.registration.pricePence).toBe(47000);
      const run = await runQuarter(t, '2025-Q2', finance.token);
      const [invoice] = await allDocuments(t, { billingRunId: run.id });
      expect(invoice).toMatchObject({ poNumber: 'PO-EXT', netPence: 47000 });
      expect((await extend({ endsOn: '2028-01-01' })).status).toBe(422); // an extension never shortens
    });
  });

  describe('late joiners (rule 12)', () => {
    let term: Json;
    let o: Awaited<ReturnType<typeof offer>>;
    beforeAll(async () => {
      term = await f.term({ name: 'Autumn 2025', startsOn: '2025-09-01', endsOn: '2025-12-19', censusDate: '2025-10-01' });
      o = await offer(term, ['2025-09-13', '2025-10-11', '2025-11-08', '2025-12-06']);
    });

    it('prices a place taken with 2 of 4 sessions left at half the £450 term, commits exactly that, and bills it in its quarter on a line of its own', async () => {
      const counted = await place(term, o, { registeredOn: '2025-09-10' });
      const late = await place(term, o, { registeredOn: '2025-10-20', reference: 'LATE-1' });
      expect(late.registration.pricePence).toBe(22500);
      expect(await budgetOf(late.budget.id)).toBe(22500);
      expect((await registrationOf(late.registration.id)).pricePence).toBe(22500);
      const headcount = await get(`/programmes/${o.programme.id}/terms/${term.id}/headcount`);
      expect(headcount).toMatchObject({ count: 1, lateJoiners: 1 });

      const run = await runQuarter(t, '2025-Q4', finance.token);
      const [invoice] = await allDocuments(t, { billingRunId: run.id });
      expect(invoice.lines.map((l: Json) => [l.kind, l.quantity, l.unitPence, l.amountPence, l.budgetReferences])).toEqual([
        ['census', 1, 45000, 45000, [counted.budget.reference]],
        ['late_joiner', 1, 22500, 22500, ['LATE-1']],
      ]);
      expect(invoice.lines[1].description).toMatch(/late joiners/);
      expect((await runQuarter(t, '2025-Q4', finance.token)).invoiceIds).toEqual([]); // billed once
    });

    it('a waitlisted child promoted after the census becomes a late joiner: priced and committed at promotion', async () => {
      // a term around today: its census a month ago, one session behind us and one ahead
      const today = londonToday();
      const current = await f.term({ name: 'Current', startsOn: addDays(today, -60), censusDate: addDays(today, -30), endsOn: addDays(today, 30) });
      const small = await offer(current, [addDays(today, -20), addDays(today, 10)]);
      await t.db.query(`UPDATE programmes SET capacity = 1 WHERE id = $1`, [small.programme.id]);
      await t.db.query(`UPDATE sessions SET capacity = 1 WHERE programme_id = $1`, [small.programme.id]);
      await t.db.query(`UPDATE programme_terms SET places = 1 WHERE programme_id = $1`, [small.programme.id]);
      const holder = await place(current, small, { registeredOn: addDays(today, -59) });
      const waiting = await place(current, small, { registeredOn: addDays(today, -58) });
      expect(waiting.registration).toMatchObject({ status: 'waitlisted' });
      expect(await budgetOf(waiting.budget.id)).toBe(0);
      // promoted today, after the census, with 1 of the 2 sessions left
      expect((await f.withdraw(holder.registration.id, { reason: 'moved' })).status).toBe(200);
      expect(await registrationOf(waiting.registration.id)).toMatchObject({ status: 'registered', registeredOn: today, pricePence: 22500, committedPence: 22500 });
      expect(await budgetOf(waiting.budget.id)).toBe(22500);
      expect(await get(`/programmes/${small.programme.id}/terms/${current.id}/headcount`)).toMatchObject({ count: 1, lateJoiners: 1 });
    });

    it('with lateJoiners "not_billed" nothing is committed or billed for a late joiner', async () => {
      const free = await offer(term, ['2025-10-11', '2025-11-08'], { lateJoiners: 'not_billed' });
      expect(free.contract.lateJoiners).toBe('not_billed');
      const late = await place(term, free, { registeredOn: '2025-10-02' });
      expect(late.registration.pricePence).toBe(0);
      expect(await budgetOf(late.budget.id)).toBe(0);
      const run = await runQuarter(t, '2025-Q4', finance.token);
      expect((await allDocuments(t, { billingRunId: run.id })).filter((d) => d.recipient.commissionerId === free.commissioner.id)).toEqual([]);
    });

    it('a late joiner withdrawn effective on the day it took its place is released and credited', async () => {
      const late = await place(term, o, { registeredOn: '2025-11-01' });
      expect(late.registration.pricePence).toBe(22500);
      await runQuarter(t, '2025-Q4', finance.token);
      expect((await f.withdraw(late.registration.id, { reason: 'never came', effectiveOn: '2025-11-01' })).status).toBe(200);
      expect(await budgetOf(late.budget.id)).toBe(0);
      const run = await runQuarter(t, '2025-Q4', finance.token);
      const [credit] = await allDocuments(t, { billingRunId: run.id });
      expect(credit).toMatchObject({ kind: 'credit_note', netPence: 22500 });
      expect(credit.lines[0]).toMatchObject({ kind: 'late_joiner', quantity: 1, unitPence: 22500 });
    });
  });

  describe('direct payments billed per quarter (rule 13)', () => {
    let term: Json;
    let o: Awaited<ReturnType<typeof offer>>;
    let dp: Awaited<ReturnType<typeof place>>;
    beforeAll(async () => {
      // a long "term" whose three sessions fall in three quarters
      term = await f.term({ name: 'Year 2024', startsOn: '2024-02-01', endsOn: '2024-11-29', censusDate: '2024-03-01' });
      o = await offer(term, ['2024-03-09', '2024-05-11', '2024-08-10'], { pricePerTermPence: 10000, vatRateBasisPoints: 0 });
      dp = await place(term, o, {
        registeredOn: '2024-02-15',
        type: 'direct_payment',
        reference: 'DP-100',
        holderAddress: { lines: ['12 Mill Road', 'Cambridge'], postcode: 'CB1 2AB' },
      });
    });

    it('bills 33.34 + 33.33 + 33.33 across the quarters its sessions fall in, to the holder, without a PO', async () => {
      const amounts: number[] = [];
      for (const q of ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']) {
        const run = await runQuarter(t, q, finance.token);
        const docs = await allDocuments(t, { billingRunId: run.id });
        amounts.push(docs.reduce((s, d) => s + d.totalPence, 0));
        if (q === '2024-Q1') {
          expect(docs).toHaveLength(1);
          expect(docs[0]).toMatchObject({
            poNumber: null,
            recipient: { type: 'budget_holder', budgetId: dp.budget.id, name: 'Sam Jones', address: '12 Mill Road\nCambridge\nCB1 2AB' },
          });
          expect(docs[0].lines).toEqual([
            expect.objectContaining({ kind: 'sessions', quantity: 1, unitPence: 3334, amountPence: 3334, periodStart: '2024-03-09', periodEnd: '2024-03-09', budgetReferences: ['DP-100'] }),
          ]);
        }
      }
      expect(amounts).toEqual([3334, 3333, 3333, 0]);
      expect((await get(`/participants/${dp.participant.id}/budgets`)).items[0]).toMatchObject({
        committedPence: 10000,
        holderAddress: { lines: ['12 Mill Road', 'Cambridge'], postcode: 'CB1 2AB' },
      });
    });

    it('a backdated withdrawal credits exactly the sessions no longer covered, and releases their price', async () => {
      expect((await f.withdraw(dp.registration.id, { reason: 'moved', effectiveOn: '2024-05-01' })).status).toBe(200);
      expect(await budgetOf(dp.budget.id)).toBe(3334);
      // the next run of any quarter corrects the sessions of earlier quarters already billed
      const run = await runQuarter(t, '2024-Q4', finance.token);
      const [credit] = await allDocuments(t, { billingRunId: run.id });
      expect(credit).toMatchObject({ kind: 'credit_note', recipient: { type: 'budget_holder' }, netPence: 6666, poNumber: null });
      expect(credit.lines[0]).toMatchObject({ kind: 'sessions', quantity: 2, periodStart: '2024-05-11', periodEnd: '2024-08-10' });
      expect((await runQuarter(t, '2024-Q2', finance.token)).creditNoteIds).toEqual([]); // never twice
      const { rows } = await t.db.query(`SELECT sum(change * amount_pence)::int AS billed FROM billing_ledger WHERE registration_id = $1`, [dp.registration.id]);
      expect(rows[0].billed).toBe(3334);
    });

    it('never charges a cancelled session: the price is split over the others', async () => {
      const other = await place(term, o, { registeredOn: '2024-02-20', type: 'direct_payment', reference: 'DP-101' });
      const session = (await t.db.query(`SELECT id FROM sessions WHERE programme_id = $1 AND date = '2024-08-10'`, [o.programme.id])).rows[0];
      await t.db.query(`UPDATE sessions SET status = 'cancelled' WHERE id = $1`, [session.id]);
      try {
        const billed: number[] = [];
        for (const q of ['2024-Q1', '2024-Q2', '2024-Q3']) {
          const run = await runQuarter(t, q, finance.token);
          const docs = (await allDocuments(t, { billingRunId: run.id })).filter((d) => d.recipient.budgetId === other.budget.id);
          billed.push(docs.reduce((s, d) => s + (d.kind === 'invoice' ? d.netPence : -d.netPence), 0));
        }
        expect(billed).toEqual([5000, 5000, 0]);
      } finally {
        await t.db.query(`UPDATE sessions SET status = 'scheduled' WHERE id = $1`, [session.id]);
      }
    });
  });

  it('a run corrects sessions of any quarter already billed: a whole term never costs more than its price, even when a session is added', async () => {
    const term = await f.term({ name: 'Autumn 2023', startsOn: '2023-08-01', endsOn: '2023-12-15', censusDate: '2023-09-01' });
    const o = await offer(term, ['2023-08-12', '2023-11-11'], { pricePerTermPence: 10000 });
    const dp = await place(term, o, { registeredOn: '2023-08-02', type: 'direct_payment' });
    const billed = async () =>
      (await t.db.query(`SELECT coalesce(sum(change * amount_pence), 0)::int AS n FROM billing_ledger WHERE registration_id = $1`, [dp.registration.id])).rows[0].n;
    await runQuarter(t, '2023-Q4', finance.token); // the November session: half the price
    expect(await billed()).toBe(5000);
    await f.session(o.programme.id, { date: '2023-08-26' }); // a session added: three now share the price
    await runQuarter(t, '2023-Q3', finance.token); // bills August's two sessions and re-prices November's
    expect(await billed()).toBe(10000);
    const shares = await t.db.query(
      `SELECT session_date::text AS date, sum(change * amount_pence)::int AS pence FROM billing_ledger WHERE registration_id = $1 GROUP BY 1 ORDER BY 1`,
      [dp.registration.id],
    );
    expect(shares.rows).toEqual([{ date: '2023-08-12', pence: 3334 }, { date: '2023-08-26', pence: 3333 }, { date: '2023-11-11', pence: 3333 }]);
  });

  describe('commitments released at the end of a term (rule 12)', () => {
    it('releases what can never be billed, once, however often and however concurrently it runs', async () => {
      const term = await f.term({ name: 'Winter 2023', startsOn: '2023-01-09', endsOn: '2023-03-31', censusDate: '2023-02-01' });
      const o = await offer(term, []); // no session was ever held
      const dp = await place(term, o, { registeredOn: '2023-01-10', type: 'direct_payment' });
      const managed = await place(term, o, { registeredOn: '2023-01-10' });
      expect(await budgetOf(dp.budget.id)).toBe(45000);
      const settlement = t.app.get(CommitmentSettlementService);
      const outcomes = await Promise.all([settlement.settle(), settlement.settle()]);
      expect(outcomes.map((s) => s.registrations).sort()).toEqual([0, expect.any(Number)]);
      expect(Math.max(...outcomes.map((s) => s.releasedPence))).toBeGreaterThanOrEqual(45000);
      expect(await budgetOf(dp.budget.id)).toBe(0); // no session: never billed
      expect(await budgetOf(managed.budget.id)).toBe(45000); // counted at the census: billed by its quarter's run
      expect((await registrationOf(dp.registration.id)).committedPence).toBe(0);
      expect((await settlement.settle()).registrations).toBe(0);
    });
  });

  describe('VAT treatment, ledger codes, council client ids and export layouts', () => {
    let term: Json;
    beforeAll(async () => {
      term = await f.term({ name: 'Summer 2023', startsOn: '2023-04-17', endsOn: '2023-07-21', censusDate: '2023-05-01' });
    });

    it('defaults the treatment from the rate and allows a rate only on standard', async () => {
      const c = await f.commissioner();
      const p = await f.programme();
      const exempt = await f.contract(c.id, [p.id], { startsOn: '2023-01-01', endsOn: '2023-12-31' });
      expect(exempt).toMatchObject({ vatTreatment: 'exempt', vatRateBasisPoints: 0, lateJoiners: 'pro_rata', nominalCode: null });
      const p2 = await f.programme();
      const standard = await f.contract(c.id, [p2.id], { startsOn: '2023-01-01', endsOn: '2023-12-31', vatRateBasisPoints: 2000 });
      expect(standard.vatTreatment).toBe('standard');
      const bad = await api().post('/api/v1/contracts').set(bearer(t.adminToken)).send({
        commissionerId: c.id, reference: 'BAD', startsOn: '2023-01-01', endsOn: '2023-12-31', pricePerTermPence: 1, programmeIds: [], vatTreatment: 'exempt', vatRateBasisPoints: 2000,
      });
      expect(bad.status).toBe(422);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'vatTreatment' })]);
    });

    it('snapshots treatment, codes and council ids on lines and exports them in every layout', async () => {
      const o = await offer(term, ['2023-05-06'], { nominalCode: '4010', departmentCode: 'SB', vatRateBasisPoints: 2000, poNumber: 'PO-X' });
      const a = await place(term, o, { registeredOn: '2023-04-20', reference: 'PB-A', councilId: 'MOSAIC-1' });
      await place(term, o, { registeredOn: '2023-04-21', reference: 'PB-B' });
      const participant = await get(`/participants/${a.participant.id}`);
      expect(participant.councilIds).toEqual([{ commissionerId: o.commissioner.id, id: 'MOSAIC-1' }]);
      const run = await runQuarter(t, '2023-Q2', finance.token);
      const [invoice] = await allDocuments(t, { billingRunId: run.id, commissionerId: o.commissioner.id });
      expect(invoice.lines[0]).toMatchObject({
        vatTreatment: 'standard', vatRateBasisPoints: 2000, nominalCode: '4010', departmentCode: 'SB',
        budgetReferences: ['PB-A', 'PB-B'],
        references: [{ budgetReference: 'PB-A', councilId: 'MOSAIC-1' }, { budgetReference: 'PB-B', councilId: null }],
      });
      // the child's council id changes later: the issued line keeps its snapshot
      await api().patch(`/api/v1/participants/${a.participant.id}`).set(bearer(t.adminToken)).send({ councilIds: [] }).expect(200);
      expect((await get(`/invoices/${invoice.id}`)).lines[0].references[0].councilId).toBe('MOSAIC-1');

      const created = await api().post('/api/v1/finance-exports').set(bearer(finance.token));
      const file = async (layout?: string) =>
        (await api().get(`/api/v1/finance-exports/${created.body.id}/file`).query(layout ? { layout } : {}).set(bearer(finance.token)).buffer(true)
          .parse((res, done) => { let s = ''; res.setEncoding('utf8'); res.on('data', (c: string) => (s += c)); res.on('end', () => done(null, s)); })).body as string;
      const standard = (await file()).split('\r\n');
      expect(standard[0]).toBe('document_number,document_type,issue_date,due_date,customer_code,customer_name,po_number,budget_reference,description,quantity,unit_price,net_amount,vat_amount,gross_amount');
      expect(await file('standard')).toBe(standard.join('\r\n'));
      const v2 = (await file('standard-v2')).split('\r\n');
      expect(v2[0]).toBe(`${standard[0]},council_client_id,vat_code,nominal_code,department_code`);
      const rowOfA = v2.find((r) => r.includes('PB-A'))!;
      expect(rowOfA.endsWith(',MOSAIC-1,S,4010,SB')).toBe(true);
      expect(rowOfA.startsWith(standard.find((r) => r.includes('PB-A'))!)).toBe(true);
      const xero = (await file('xero')).split('\r\n');
      expect(xero[0]).toBe(
        '*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,POCity,PORegion,POPostalCode,POCountry,*InvoiceNumber,Reference,*InvoiceDate,*DueDate,InventoryItemCode,*Description,*Quantity,*UnitAmount,Discount,*AccountCode,*TaxType,TrackingName1,TrackingOption1,TrackingName2,TrackingOption2,Currency,BrandingTheme',
      );
      const xeroA = csvRows(xero.join('\r\n')).find((r) => r[15].includes('(PB-A / MOSAIC-1)'))!;
      expect(xeroA[0]).toBe('Suffolk County Council');
      expect(xeroA[10]).toBe(invoice.number);
      expect(xeroA[11]).toBe('PO-X');
      expect(xeroA[12]).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
      expect(xeroA.slice(16, 23)).toEqual(['1', '450.00', '', '4010', '20% (VAT on Income)', 'Department', 'SB']);
      expect((await api().get(`/api/v1/finance-exports/${created.body.id}/file`).query({ layout: 'sage' }).set(bearer(finance.token))).status).toBe(400);
      const pdf = await api().get(`/api/v1/invoices/${invoice.id}/pdf`).set(bearer(finance.token));
      expect(pdf.status).toBe(200);
    });

    it('a credit note is a Xero document with negative quantities', async () => {
      const o = await offer(term, ['2023-05-06']);
      const a = await place(term, o, { registeredOn: '2023-04-20', reference: 'PB-CN' });
      await runQuarter(t, '2023-Q2', finance.token);
      await f.withdraw(a.registration.id, { reason: 'x', effectiveOn: '2023-04-25' });
      await runQuarter(t, '2023-Q2', finance.token);
      const created = await api().post('/api/v1/finance-exports').set(bearer(finance.token));
      const text = (await api().get(`/api/v1/finance-exports/${created.body.id}/file?layout=xero`).set(bearer(finance.token))).text;
      const rows = csvRows(text).filter((r) => r[15]?.includes('(PB-CN)'));
      expect(rows.map((r) => r[16]).sort()).toEqual(['-1', '1']);
      expect(rows.every((r) => r[20] === 'Exempt Income' && r[17] === '450.00')).toBe(true);
    });
  });
});
