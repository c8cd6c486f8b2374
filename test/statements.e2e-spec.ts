import { todayInLondon } from '../src/common/london-calendar.js';
import { allDocuments, billingWorld, type Json, runQuarter } from './support/billing.js';
import { backdateDocument, type Council, councilOf, getBinary, pdfText, placeWith } from './support/money.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Statements of account for a council and for a direct-payment holder, over a history at known dates:
 * the documents are issued by the API (runs and credits) and then moved to earlier dates in the test's
 * own database (the API issues documents today only); payments and remittances are recorded through
 * the API at those dates.
 *
 * The council's history (45000 a place, no VAT):
 *   2026-05-01 I1 issued (due 05-31)          2026-06-10 cheque 20000 towards I1
 *   2026-08-01 I2 issued (due 08-31)          2026-08-20 CN1 credits I2 in full
 *   2026-09-01 I3 issued (due 10-01): 90000, the next run bills the credited place again with a new one
 *   2026-09-10 remittance 130000: I1 25000, I3 90000, 15000 on account
 *   2026-10-01 I4 issued (due 10-31)          2026-11-15 I5 issued (due 12-15)
 *   today: the 15000 on account is placed on I4
 * The holder's: 2026-10-01 H1 (due 10-31), 10-10 paid in full by pre-paid card, 10-20 CN2 credits H1 in full.
 */
describe('statements', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof billingWorld>>;
  let finance: Json & { token: string };
  let coordinator: Json & { token: string };
  let norfolk: Council;
  let holderBudget: Json & { id: string };
  let managedBudget: Json & { id: string };
  const inv: Record<string, Json> = {};
  const today = todayInLondon();

  const newDocuments = async (runId: string) => allDocuments(t, { billingRunId: runId });
  const councilInvoiceOf = (documents: Json[]) => documents.find((d) => d.recipient.type === 'commissioner' && d.recipient.commissionerId === norfolk.id)!;
  const pay = (id: string, body: Json) => t.api().post(`/api/v1/invoices/${id}/payments`).set(bearer(finance.token)).send(body).expect(201);
  const credit = async (id: string) =>
    (await t.api().post(`/api/v1/invoices/${id}/credit-notes`).set(bearer(finance.token)).send({ reason: 'Place cancelled by the council' }).expect(201)).body;

  beforeAll(async () => {
    t = await createTestApp();
    w = await billingWorld(t);
    finance = await w.f.user('finance');
    coordinator = await w.f.user('coordinator');
    norfolk = await councilOf(w, 'Norfolk County Council');

    managedBudget = (await placeWith(w, norfolk)).budget;
    holderBudget = (await placeWith(w, norfolk, 'direct_payment')).budget;
    let documents = await newDocuments((await runQuarter(t, '2026-Q4')).id);
    inv.I1 = councilInvoiceOf(documents);
    inv.H1 = documents.find((d) => d.recipient.budgetId === holderBudget.id)!;
    await backdateDocument(t, inv.I1.id, '2026-05-01', '2026-05-31');
    await backdateDocument(t, inv.H1.id, '2026-10-01', '2026-10-31');
    await pay(inv.I1.id, { amountPence: 20000, receivedOn: '2026-06-10', reference: 'Cheque 100200', method: 'cheque' });

    await placeWith(w, norfolk);
    inv.I2 = councilInvoiceOf(await newDocuments((await runQuarter(t, '2026-Q4')).id));
    await backdateDocument(t, inv.I2.id, '2026-08-01', '2026-08-31');
    inv.CN1 = await credit(inv.I2.id);
    await backdateDocument(t, inv.CN1.id, '2026-08-20', '2026-08-20');

    await placeWith(w, norfolk);
    inv.I3 = councilInvoiceOf(await newDocuments((await runQuarter(t, '2026-Q4')).id));
    await backdateDocument(t, inv.I3.id, '2026-09-01', '2026-10-01');
    const remittance = await t.api().post('/api/v1/remittances').set(bearer(finance.token))
      .send({ commissionerId: norfolk.id, receivedOn: '2026-09-10', amountPence: 130000, reference: 'NCC REM 0910' }).expect(201);
    expect(remittance.body).toMatchObject({ allocatedPence: 115000, unallocatedPence: 15000 });
    inv.R1 = remittance.body;

    await placeWith(w, norfolk);
    inv.I4 = councilInvoiceOf(await newDocuments((await runQuarter(t, '2026-Q4')).id));
    await backdateDocument(t, inv.I4.id, '2026-10-01', '2026-10-31');
    await placeWith(w, norfolk);
    inv.I5 = councilInvoiceOf(await newDocuments((await runQuarter(t, '2026-Q4')).id));
    await backdateDocument(t, inv.I5.id, '2026-11-15', '2026-12-15');
    const placed = await t.api().post(`/api/v1/remittances/${inv.R1.id}/allocations`).set(bearer(finance.token)).send({}).expect(201);
    expect(placed.body.allocations.at(-1)).toMatchObject({ invoiceId: inv.I4.id, amountPence: 15000, receivedOn: today });

    await pay(inv.H1.id, { amountPence: 45000, receivedOn: '2026-10-10', reference: 'Card scheme 5521', method: 'prepaid_card' });
    inv.CN2 = await credit(inv.H1.id);
    await backdateDocument(t, inv.CN2.id, '2026-10-20', '2026-10-20');
  });
  afterAll(() => t?.close());

  const statement = (path: string, query: Record<string, string> = {}, token = finance.token) =>
    t.api().get(`/api/v1${path}`).query(query).set(bearer(token));

  it("a council's statement for a period: opening balance, entries with running balance, on account, closing balance, ageing", async () => {
    const res = await statement(`/commissioners/${norfolk.id}/statement`, { from: '2026-08-01', to: '2026-11-30' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const s = res.body;
    expect(s).toMatchObject({
      commissionerId: norfolk.id,
      account: { type: 'commissioner', name: 'Norfolk County Council' },
      from: '2026-08-01',
      to: '2026-11-30',
      openingBalancePence: 25000, // I1 45000 less the cheque 20000
      totalDebitPence: 225000,
      totalCreditPence: 175000,
      closingBalancePence: 75000,
      onAccountPence: 15000, // placed on I4 only after the period
      overpaidPence: 0,
      ageing: { currentPence: 45000, days0to30Pence: 45000, days31to60Pence: 0, days61to90Pence: 0, over90Pence: 0, totalPence: 90000 },
    });
    expect(s.entries.map((e: Json) => [e.date, e.type, e.documentId ?? e.remittanceId, e.debitPence, e.creditPence, e.balancePence])).toEqual([
      ['2026-08-01', 'invoice', inv.I2.id, 45000, 0, 70000],
      ['2026-08-20', 'credit_note', inv.CN1.id, 0, 45000, 25000],
      ['2026-09-01', 'invoice', inv.I3.id, 90000, 0, 115000],
      ['2026-09-10', 'remittance', inv.R1.id, 0, 130000, -15000],
      ['2026-10-01', 'invoice', inv.I4.id, 45000, 0, 30000],
      ['2026-11-15', 'invoice', inv.I5.id, 45000, 0, 75000],
    ]);
    expect(s.entries[1]).toMatchObject({ number: inv.CN1.number, invoiceNumbers: [inv.I2.number], reference: 'Place cancelled by the council' });
    expect(s.entries[3]).toMatchObject({ reference: 'NCC REM 0910' });
    expect(s.entries[3].allocations.map((a: Json) => [a.invoiceNumber, a.amountPence, a.receivedOn]).sort()).toEqual(
      [
        [inv.I1.number, 25000, '2026-09-10'],
        [inv.I3.number, 90000, '2026-09-10'],
      ].sort(),
    );
    expect(s.entries[0]).toMatchObject({ number: inv.I2.number, dueDate: '2026-08-31' });
    expect(s.openInvoices).toEqual([
      { documentId: inv.I4.id, number: inv.I4.number, issueDate: '2026-10-01', dueDate: '2026-10-31', totalPence: 45000, outstandingPence: 45000, daysPastDue: 30 },
      { documentId: inv.I5.id, number: inv.I5.number, issueDate: '2026-11-15', dueDate: '2026-12-15', totalPence: 45000, outstandingPence: 45000, daysPastDue: -15 },
    ]);
    // the holder's documents are the holder's, not the council's
    expect(JSON.stringify(s)).not.toContain(inv.H1.id);
    expect(s.closingBalancePence).toBe(s.ageing.totalPence - s.onAccountPence - s.overpaidPence);
  });

  it('ages by days past the due date: 31–60, 61–90 and over 90 as the statement date moves', async () => {
    const at = async (to: string) => (await statement(`/commissioners/${norfolk.id}/statement`, { from: '2026-08-01', to })).body.ageing;
    // as at 2026-08-30: I1 25000 due 05-31 is 91 days past due, I2 not yet due
    expect(await at('2026-08-10')).toMatchObject({ over90Pence: 0, days61to90Pence: 25000, currentPence: 45000, totalPence: 70000 });
    expect(await at('2026-08-30')).toMatchObject({ over90Pence: 25000, currentPence: 0, totalPence: 25000 });
    // as at 2026-11-05: I4 5 days past due; as at 2026-12-01 I4 31 days
    expect(await at('2026-11-05')).toMatchObject({ days0to30Pence: 45000, currentPence: 0, totalPence: 45000 });
    expect(await at('2026-12-01')).toMatchObject({ days31to60Pence: 45000, currentPence: 45000, totalPence: 90000 });
  });

  it('the next period opens where the last one closed; a later allocation moves money from on account to an invoice, not the balance', async () => {
    const next = (await statement(`/commissioners/${norfolk.id}/statement`, { from: '2026-12-01' })).body;
    expect(next).toMatchObject({ from: '2026-12-01', to: today, openingBalancePence: 75000, entries: [], closingBalancePence: 75000, onAccountPence: 0 });
    expect(next.ageing.totalPence).toBe(75000); // I4 30000 + I5 45000
    expect(next.openInvoices.map((i: Json) => [i.documentId, i.outstandingPence])).toEqual([
      [inv.I4.id, 30000],
      [inv.I5.id, 45000],
    ]);
    const mid = (await statement(`/commissioners/${norfolk.id}/statement`, { from: '2026-06-10', to: '2026-06-10' })).body;
    expect(mid).toMatchObject({ openingBalancePence: 45000, closingBalancePence: 25000 });
    expect(mid.entries).toEqual([
      expect.objectContaining({ date: '2026-06-10', type: 'payment', method: 'cheque', reference: 'Cheque 100200', invoiceNumbers: [inv.I1.number], creditPence: 20000 }),
    ]);
  });

  it('defaults: from the first document to today', async () => {
    const s = (await statement(`/commissioners/${norfolk.id}/statement`)).body;
    expect(s).toMatchObject({ from: '2026-05-01', to: today, openingBalancePence: 0, closingBalancePence: 75000 });
    expect(s.entries.map((e: Json) => e.type)).toEqual(['invoice', 'payment', 'invoice', 'credit_note', 'invoice', 'remittance', 'invoice', 'invoice']);
    const empty = await councilOf(w, 'Rutland County Council');
    expect((await statement(`/commissioners/${empty.id}/statement`)).body).toMatchObject({
      from: today,
      to: today,
      openingBalancePence: 0,
      entries: [],
      closingBalancePence: 0,
      ageing: { totalPence: 0 },
    });
  });

  it("a direct-payment holder's statement: the holder's invoice, payment and credit, money owed back", async () => {
    const res = await statement(`/budgets/${holderBudget.id}/statement`, { to: '2026-11-30' }, coordinator.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      budgetId: holderBudget.id,
      commissionerId: norfolk.id,
      account: { type: 'budget_holder', name: 'Sam Holder', reference: holderBudget.reference },
      from: '2026-10-01',
      openingBalancePence: 0,
      closingBalancePence: -45000,
      onAccountPence: 0,
      overpaidPence: 45000,
      ageing: { totalPence: 0 },
    });
    expect(res.body.entries.map((e: Json) => [e.date, e.type, e.method ?? null, e.debitPence, e.creditPence, e.balancePence])).toEqual([
      ['2026-10-01', 'invoice', null, 45000, 0, 45000],
      ['2026-10-10', 'payment', 'prepaid_card', 0, 45000, 0],
      ['2026-10-20', 'credit_note', null, 0, 45000, -45000],
    ]);
    expect(res.body.openInvoices).toEqual([expect.objectContaining({ documentId: inv.H1.id, outstandingPence: -45000 })]);
  });

  it('as a PDF when Accept asks for it; 406 for an Accept it cannot satisfy', async () => {
    const res = await getBinary(t, `/api/v1/commissioners/${norfolk.id}/statement?from=2026-08-01&to=2026-11-30`, finance.token, 'application/pdf');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res.body);
    for (const expected of [
      'STATEMENT',
      'Norfolk County Council',
      'From 1 August 2026 to 30 November 2026',
      'Opening balance',
      '£250.00',
      `Invoice ${inv.I2.number}, due 2026-08-31`,
      `Credit note ${inv.CN1.number} against ${inv.I2.number}`,
      `Remittance NCC REM 0910 (`,
      'on account £150.00',
      'Closing balance',
      '£750.00',
      'Less money on account (received, not yet allocated)',
      'Ageing as at 30 November 2026',
      '0–30 days',
      'Over 90 days',
      `${inv.I4.number} issued 2026-10-01, due 2026-10-31 (30 days past due)`,
    ]) {
      expect(text).toContain(expected);
    }
    const holder = await getBinary(t, `/api/v1/budgets/${holderBudget.id}/statement`, coordinator.token, 'application/pdf, application/json;q=0.5');
    expect(holder.headers['content-type']).toBe('application/pdf');
    expect(await pdfText(holder.body)).toContain('Balance in your favour');
    const json = await statement(`/commissioners/${norfolk.id}/statement`).set('Accept', 'application/json;q=0.9, application/pdf;q=0.1');
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expectProblem(await statement(`/commissioners/${norfolk.id}/statement`).set('Accept', 'text/csv'), 406);
  });

  it('refuses what it cannot state: unknown accounts, a managed budget, a period that ends before it starts, bad dates', async () => {
    expectProblem(await statement(`/commissioners/${NO_SUCH_ID}/statement`), 404);
    expectProblem(await statement(`/budgets/${NO_SUCH_ID}/statement`), 404);
    const managed = await statement(`/budgets/${managedBudget.id}/statement`);
    expectProblem(managed, 422);
    expect(managed.body.type).toMatch(/not-a-direct-payment-budget$/);
    expectProblem(await statement(`/commissioners/${norfolk.id}/statement`, { from: '2026-11-01', to: '2026-10-01' }), 400, 'from');
    expectProblem(await statement(`/commissioners/${norfolk.id}/statement`, { from: '2026-02-30' }), 400, 'from');
    expectProblem(await statement(`/commissioners/${norfolk.id}/statement`, { to: 'today' }), 400, 'to');
    expectProblem(await statement(`/commissioners/${norfolk.id}/statement`, { on: '2026-01-01' }), 400, 'on');
  });
});
