import { addDays, todayInLondon } from '../src/common/london-calendar.js';
import { allDocuments, billingWorld, type Json, runQuarter } from './support/billing.js';
import { getBinary, pdfText } from './support/money.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Payments of single invoices: methods, the issue-date rule, the database's guard on every payment
 * row, and itemised receipts (PDF) for a direct-payment family and for a council.
 */
describe('payments and receipts', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof billingWorld>>;
  let finance: Json & { token: string };
  let coordinator: Json & { token: string };
  let child: Json & { id: string };
  let holderInvoice: Json;
  let councilInvoice: Json;
  const today = todayInLondon();

  beforeAll(async () => {
    t = await createTestApp();
    w = await billingWorld(t);
    finance = await w.f.user('finance');
    coordinator = await w.f.user('coordinator');
    // every session before today (the run bills a family's sessions up to the day of the run: API.md v1.1)
    await w.f.session(w.programme.id, { date: '2026-11-14' });
    await w.f.session(w.programme.id, { date: '2026-11-28', startTime: '11:00', endTime: '14:30' });
    // a family on a direct payment (invoiced to the holder) and a council place
    child = await w.f.participant({ firstName: 'Priya', lastName: 'Okonkwo' });
    const budget = await w.f.budget(child.id, w.cambs.id, {
      type: 'direct_payment',
      reference: 'CAMBS-DP-PRIYA',
      holderName: 'Grace Okonkwo',
      holderEmail: 'grace@family.example',
    });
    await w.f.post('/registrations', { participantId: child.id, programmeId: w.programme.id, termId: w.term.id, budgetId: budget.id, registeredOn: '2026-09-15' });
    await w.place({ reference: 'CAMBS-PB-1' });
    await w.place({ reference: 'CAMBS-PB-2' });
    await runQuarter(t, '2026-Q4');
    const documents = await allDocuments(t);
    holderInvoice = documents.find((d) => d.recipient.type === 'budget_holder')!;
    councilInvoice = documents.find((d) => d.recipient.type === 'commissioner')!;
    expect(holderInvoice).toMatchObject({ totalPence: 54000, issueDate: today });
    expect(councilInvoice).toMatchObject({ totalPence: 108000, issueDate: today });
  });
  afterAll(() => t?.close());

  const pay = (invoiceId: string, body: Json, token = finance.token) => t.api().post(`/api/v1/invoices/${invoiceId}/payments`).set(bearer(token)).send(body);

  it('records the method (default bacs) and refuses an unknown one naming the field', async () => {
    const bacs = await pay(councilInvoice.id, { amountPence: 1000, receivedOn: today, reference: 'BACS 1' });
    expect(bacs.status).toBe(201);
    expect(bacs.body).toMatchObject({ method: 'bacs', remittanceId: null, balancePence: 107000, invoiceStatus: 'issued', receiptUrl: `/api/v1/payments/${bacs.body.id}/receipt` });
    const cheque = await pay(councilInvoice.id, { amountPence: 2000, receivedOn: today, reference: 'Cheque 000123', method: 'cheque' });
    expect(cheque.body).toMatchObject({ method: 'cheque', balancePence: 105000 });
    expectProblem(await pay(councilInvoice.id, { amountPence: 1, receivedOn: today, reference: 'x', method: 'paypal' }), 400, 'method');
    expectProblem(await pay(councilInvoice.id, { amountPence: 1, receivedOn: today, reference: 'x', method: null }), 400, 'method');
    const listed = await t.api().get(`/api/v1/invoices/${councilInvoice.id}/payments`).set(bearer(finance.token));
    expect(listed.body.map((p: Json) => [p.amountPence, p.method, p.balancePence])).toEqual([
      [1000, 'bacs', 107000],
      [2000, 'cheque', 105000],
    ]);
  });

  it("refuses a payment received before the invoice's issue date (422 naming receivedOn), and accepts one on it", async () => {
    const early = await pay(councilInvoice.id, { amountPence: 100, receivedOn: addDays(today, -1), reference: 'early' });
    expectProblem(early, 422, 'receivedOn');
    expect(early.body.type).toMatch(/payment-before-issue$/);
    expect((await pay(councilInvoice.id, { amountPence: 100, receivedOn: today, reference: 'on the day' })).status).toBe(201);
  });

  it('guards every payment row in the database: never before issue, never more than outstanding, never changed', async () => {
    const insert = (documentId: string, amount: number, receivedOn = today) =>
      t.db.query(`INSERT INTO payments (document_id, amount_pence, received_on, reference) VALUES ($1, $2, $3, 'sql')`, [documentId, amount, receivedOn]);
    const [{ outstanding }] = (await t.db.query(`SELECT outstanding_pence AS outstanding FROM invoice_balances() WHERE document_id = $1`, [councilInvoice.id])).rows;
    expect(outstanding).toBe(108000 - 3100); // 1000 + 2000 + 100 paid through the API
    await expect(insert(councilInvoice.id, outstanding + 1)).rejects.toMatchObject({ constraint: 'payments_within_outstanding' });
    await expect(insert(councilInvoice.id, 1, addDays(today, -1))).rejects.toMatchObject({ constraint: 'payments_received_after_issue' });
    await expect(t.db.query(`UPDATE payments SET amount_pence = 1`)).rejects.toThrow(/immutable/);
    await expect(t.db.query(`DELETE FROM payments`)).rejects.toThrow(/immutable/);
    await expect(t.db.query(`SELECT count(*) FROM payments`)).resolves.toMatchObject({ rows: [{ count: 3 }] });
  });

  it('prints an itemised receipt for a family: child, programme, each session and date, amount, method, invoice number', async () => {
    const paid = await pay(holderInvoice.id, { amountPence: 54000, receivedOn: today, reference: 'Card scheme 77', method: 'prepaid_card' });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ method: 'prepaid_card', invoiceStatus: 'paid', balancePence: 0 });
    for (const token of [finance.token, coordinator.token, t.adminToken]) {
      const res = await getBinary(t, `/api/v1/payments/${paid.body.id}/receipt`, token);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toContain(`receipt-${holderInvoice.number}`);
    }
    const text = await pdfText((await getBinary(t, `/api/v1/payments/${paid.body.id}/receipt`, finance.token)).body);
    expect(text).toContain('RECEIPT');
    expect(text).toContain('Child: Priya Okonkwo');
    expect(text).toContain('Programme: Arts Pioneers');
    expect(text).toContain('Term: Autumn 2026');
    expect(text).toContain('Sessions paid for (3)');
    expect(text).toContain('Saturday 10 October 2026 (2026-10-10), 10:00–15:00');
    expect(text).toContain('Saturday 14 November 2026 (2026-11-14), 10:00–15:00');
    expect(text).toContain('Saturday 28 November 2026 (2026-11-28), 11:00–14:30');
    expect(text).toContain('Amount received: £540.00');
    expect(text).toContain('Payment method: Pre-paid card (prepaid_card)');
    expect(text).toContain(`Invoice number: ${holderInvoice.number}`);
    expect(text).toContain('Grace Okonkwo');
    expect(text).toContain('Card scheme 77');
  });

  it('lists only the sessions of the line’s period, never a cancelled one', async () => {
    // a session outside the invoiced period, and one cancelled (sessions.status arrives with session
    // cancellation; the receipt reads it when the column exists)
    const hasStatus = (await t.db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'sessions' AND column_name = 'status'`)).rowCount === 1;
    const [payment] = (await t.api().get(`/api/v1/invoices/${holderInvoice.id}/payments`).set(bearer(finance.token))).body;
    const { rows: [line] } = await t.db.query(`SELECT period_start::text, period_end::text FROM document_lines WHERE document_id = $1`, [holderInvoice.id]);
    const text = await pdfText((await getBinary(t, `/api/v1/payments/${payment.id}/receipt`, finance.token)).body);
    for (const date of ['2026-10-10', '2026-11-14', '2026-11-28'].filter((d) => d >= line.period_start && d <= line.period_end)) {
      expect(text).toContain(`(${date})`);
    }
    if (hasStatus) {
      await t.db.query(`UPDATE sessions SET status = 'cancelled' WHERE date = '2026-11-14'`);
      expect(await pdfText((await getBinary(t, `/api/v1/payments/${payment.id}/receipt`, finance.token)).body)).not.toContain('(2026-11-14)');
    }
  });

  it("names an erased child as the record now reads ('[erased]'), the money kept", async () => {
    const [payment] = (await t.api().get(`/api/v1/invoices/${holderInvoice.id}/payments`).set(bearer(finance.token))).body;
    const erased = await t.api().post(`/api/v1/participants/${child.id}/erase`).set(bearer(t.adminToken)).send({ reason: 'Family asked for erasure' });
    expect(erased.status).toBeLessThan(300);
    const text = await pdfText((await getBinary(t, `/api/v1/payments/${payment.id}/receipt`, finance.token)).body);
    expect(text).not.toContain('Priya');
    expect(text).toContain('Child: [erased] [erased]');
    expect(text).toContain('Amount received: £540.00');
  });

  it("prints a council's receipt by programme, term and quantity, naming no child", async () => {
    const [payment] = (await t.api().get(`/api/v1/invoices/${councilInvoice.id}/payments`).set(bearer(finance.token))).body;
    const text = await pdfText((await getBinary(t, `/api/v1/payments/${payment.id}/receipt`, coordinator.token)).body);
    expect(text).toContain('Received from');
    expect(text).toContain('Cambridgeshire County Council');
    expect(text).toContain('Programme: Arts Pioneers');
    expect(text).toContain('Quantity: 2');
    expect(text).toContain('Amount received: £10.00');
    expect(text).toContain('Payment method: BACS transfer (bacs)');
    expect(text).not.toContain('Child:');
    expect(text).not.toContain('Jamie');
  });

  it('answers 404 for no such payment, 400 for a malformed id, 403 for a support worker', async () => {
    expectProblem(await t.api().get(`/api/v1/payments/${NO_SUCH_ID}/receipt`).set(bearer(finance.token)), 404);
    expectProblem(await t.api().get(`/api/v1/payments/nope/receipt`).set(bearer(finance.token)), 400, 'id');
    const worker = await w.f.user('support_worker');
    expectProblem(await t.api().get(`/api/v1/payments/${NO_SUCH_ID}/receipt`).set(bearer(worker.token)), 403);
  });
});
