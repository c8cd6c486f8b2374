import { addDays, todayInLondon } from '../src/common/london-calendar.js';
import { allDocuments, billingWorld, type Json, runQuarter, series, sorted, waitForRun } from './support/billing.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Quarterly billing through the real Bull queue and Redis (the app runs role "all": its worker executes
 * the runs). One world, built up test by test: the first run, a rerun, a backdated withdrawal, a
 * supplementary invoice, a full credit, payments, a failing run and its retry.
 */
describe('billing runs', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof billingWorld>>;
  let finance: Json & { token: string };
  const today = todayInLondon();
  const Q = '2026-Q4';
  const placed: Record<string, Awaited<ReturnType<typeof w.place>>> = {};

  beforeAll(async () => {
    t = await createTestApp({ env: { BILLING_RUN_ATTEMPTS: '3', BILLING_RUN_BACKOFF_MS: '50', OUTBOX_SWEEP_INTERVAL_MS: '500' } });
    w = await billingWorld(t);
    finance = await w.f.user('finance');
    placed.a = await w.place({ reference: 'CAMBS-PB-003' });
    placed.b = await w.place({ reference: 'CAMBS-PB-001' });
    placed.c = await w.place({ reference: 'CAMBS-PB-002' });
    placed.essex = await w.place({ commissionerId: w.essex.id, reference: 'ESX-PB-1' });
    placed.direct = await w.place({ type: 'direct_payment', holderName: 'Alex Smith', reference: 'CAMBS-DP-1' });
    // took the place after the census: not counted (v1.1: a late joiner, priced by the sessions left —
    // none after the programme's only session on 2026-10-10, so £0 and nothing billed)
    placed.late = await w.place({ registeredOn: '2026-10-11', reference: 'CAMBS-PB-LATE' });
  });
  afterAll(() => t?.close());

  const post = (body: Json, token = finance.token) => t.api().post('/api/v1/billing-runs').set(bearer(token)).send(body);

  it('previews the quarter with dryRun: documents without numbers, nothing saved', async () => {
    const res = await post({ quarter: Q, dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ quarter: Q, dryRun: true, runOn: today, invoiceCount: 3, creditNoteCount: 0 });
    expect(res.body.documents.every((d: Json) => d.number === undefined && d.id === undefined)).toBe(true);
    const counters = await t.db.query(`SELECT series, last_number FROM document_counters ORDER BY series`);
    expect(counters.rows).toEqual([{ series: 'CN', last_number: 0 }, { series: 'INV', last_number: 0 }]);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM billing_runs`)).rows[0].n).toBe(0);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM documents`)).rows[0].n).toBe(0);
  });

  let first: Json;
  let cambsInvoice: Json;
  let essexInvoice: Json;

  it('runs the quarter on the queue: one invoice per council and per direct-payment budget, numbered from INV-000001', async () => {
    const res = await post({ quarter: Q });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ quarter: Q, status: 'queued' });
    first = await waitForRun(t, res.body.id, { token: finance.token });
    expect(first).toMatchObject({ status: 'completed', error: null, creditNoteIds: [], runOn: today });
    expect(first.invoiceIds).toHaveLength(3);

    const documents = await allDocuments(t, { billingRunId: first.id });
    expect(sorted(documents.map((d) => d.number))).toEqual(series('INV', 3));
    expect(documents.map((d) => d.id).sort()).toEqual([...first.invoiceIds].sort());
    cambsInvoice = documents.find((d) => d.recipient.type === 'commissioner' && d.recipient.commissionerId === w.cambs.id)!;
    essexInvoice = documents.find((d) => d.recipient.commissionerId === w.essex.id)!;
    const direct = documents.find((d) => d.recipient.type === 'budget_holder')!;

    // 3 Cambridgeshire participants at £450.00 + 20 % VAT; the late one is not counted
    expect(cambsInvoice).toMatchObject({
      number: 'INV-000001',
      kind: 'invoice',
      billingRunId: first.id,
      recipient: { type: 'commissioner', commissionerId: w.cambs.id, name: 'Cambridgeshire County Council', email: 'ap@cambs.example' },
      issueDate: today,
      dueDate: addDays(today, 30),
      poNumber: 'PO-CAMBS-1',
      netPence: 135000,
      vatPence: 27000,
      totalPence: 162000,
      status: 'issued',
    });
    expect(cambsInvoice.lines).toEqual([
      expect.objectContaining({
        programmeId: w.programme.id,
        termId: w.term.id,
        periodStart: '2026-09-01',
        periodEnd: '2026-12-18',
        quantity: 3,
        unitPence: 45000,
        amountPence: 135000,
        vatPence: 27000,
        budgetReferences: ['CAMBS-PB-001', 'CAMBS-PB-002', 'CAMBS-PB-003'],
      }),
    ]);
    expect(essexInvoice).toMatchObject({ number: 'INV-000002', dueDate: addDays(today, 14), poNumber: null, totalPence: 50000 });
    expect(essexInvoice.lines[0]).toMatchObject({ quantity: 1, unitPence: 50000, budgetReferences: ['ESX-PB-1'] });
    expect(direct).toMatchObject({
      number: 'INV-000003',
      recipient: { type: 'budget_holder', budgetId: placed.direct.budget.id, name: 'Alex Smith', email: 'alex@family.example' },
      poNumber: null, // v1.1: holder invoices quote no purchase order
      totalPence: 54000,
    });
    expect(first.totalPence).toBe(162000 + 50000 + 54000);

    const one = await t.api().get(`/api/v1/invoices/${cambsInvoice.id}`).set(bearer(finance.token));
    expect(one.status).toBe(200);
    expect(one.body).toEqual(cambsInvoice);
  });

  it('freezes the billed headcount', async () => {
    const res = await t.api().get(`/api/v1/programmes/${w.programme.id}/terms/${w.term.id}/headcount`).set(bearer(finance.token));
    expect(res.body).toMatchObject({ count: 5, frozen: true });
  });

  it('issues nothing when the quarter is run again unchanged', async () => {
    const run = await runQuarter(t, Q, finance.token);
    expect(run).toMatchObject({ invoiceIds: [], creditNoteIds: [], totalPence: 0 });
    expect(await allDocuments(t)).toHaveLength(3);
  });

  it('credits a backdated withdrawal once, for what was billed', async () => {
    const withdraw = await t.api().post(`/api/v1/registrations/${placed.a.registration.id}/withdraw`).set(bearer(t.adminToken))
      .send({ reason: 'Moved away before the term', effectiveOn: '2026-09-20' });
    expect(withdraw.status).toBe(200);
    const preview = await post({ quarter: Q, dryRun: true });
    expect(preview.body).toMatchObject({ invoiceCount: 0, creditNoteCount: 1, totalPence: -54000 });

    const run = await runQuarter(t, Q, finance.token);
    expect(run.invoiceIds).toEqual([]);
    expect(run.creditNoteIds).toHaveLength(1);
    expect(run.totalPence).toBe(-54000);
    const cn = (await t.api().get(`/api/v1/invoices/${run.creditNoteIds[0]}`).set(bearer(finance.token))).body;
    expect(cn).toMatchObject({
      number: 'CN-000001',
      kind: 'credit_note',
      recipient: { type: 'commissioner', commissionerId: w.cambs.id },
      poNumber: 'PO-CAMBS-1',
      creditedDocumentId: cambsInvoice.id,
      netPence: 45000,
      vatPence: 9000,
      totalPence: 54000,
    });
    expect(cn.lines[0]).toMatchObject({ quantity: 1, unitPence: 45000, budgetReferences: ['CAMBS-PB-003'] });
    const invoice = (await t.api().get(`/api/v1/invoices/${cambsInvoice.id}`).set(bearer(finance.token))).body;
    expect(invoice).toMatchObject({ status: 'issued', creditedPence: 54000, balancePence: 108000 });

    // and never again
    const again = await runQuarter(t, Q, finance.token);
    expect(again).toMatchObject({ invoiceIds: [], creditNoteIds: [] });
  });

  it('issues a supplementary invoice for a participant added to the billed census by a correction', async () => {
    placed.d = await w.place({ registeredOn: '2026-09-25', reference: 'CAMBS-PB-004' });
    const run = await runQuarter(t, Q, finance.token);
    expect(run.creditNoteIds).toEqual([]);
    expect(run.invoiceIds).toHaveLength(1);
    const supplementary = (await t.api().get(`/api/v1/invoices/${run.invoiceIds[0]}`).set(bearer(finance.token))).body;
    expect(supplementary).toMatchObject({ number: 'INV-000004', recipient: { commissionerId: w.cambs.id }, totalPence: 54000 });
    expect(supplementary.lines).toEqual([expect.objectContaining({ quantity: 1, budgetReferences: ['CAMBS-PB-004'] })]);
  });

  it('returns the active run instead of starting a second one for the quarter', async () => {
    // hold the worker back: the quarter's advisory lock is taken by this transaction
    const client = await t.db.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(74201, hashtext($1))`, [Q]);
      const firstPost = await post({ quarter: Q });
      expect(firstPost.status).toBe(202);
      const repeats = await Promise.all(Array.from({ length: 5 }, () => post({ quarter: Q })));
      expect(repeats.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(repeats.map((r) => r.body.id))).toEqual(new Set([firstPost.body.id]));
      expect(['queued', 'running']).toContain(repeats[0].body.status);
      await client.query('COMMIT');
      await waitForRun(t, firstPost.body.id);
    } finally {
      client.release();
    }
  });

  it('credits an invoice in full on request, once, and a later run invoices those participants again', async () => {
    const res = await t.api().post(`/api/v1/invoices/${essexInvoice.id}/credit-notes`).set(bearer(finance.token)).send({ reason: 'Wrong purchase order' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      number: 'CN-000002',
      kind: 'credit_note',
      billingRunId: null,
      creditedDocumentId: essexInvoice.id,
      reason: 'Wrong purchase order',
      recipient: { commissionerId: w.essex.id },
      totalPence: 50000,
    });
    expect(res.body.lines).toEqual([expect.objectContaining({ quantity: 1, unitPence: 50000, budgetReferences: ['ESX-PB-1'] })]);
    const again = await t.api().post(`/api/v1/invoices/${essexInvoice.id}/credit-notes`).set(bearer(finance.token)).send({ reason: 'again' });
    expect(again.status).toBe(409);
    const ofCreditNote = await t.api().post(`/api/v1/invoices/${res.body.id}/credit-notes`).set(bearer(finance.token)).send({ reason: 'x' });
    expect(ofCreditNote.status).toBe(422);
    expect((await t.api().get(`/api/v1/invoices/${essexInvoice.id}`).set(bearer(finance.token))).body.status).toBe('credited');

    const run = await runQuarter(t, Q, finance.token);
    expect(run.invoiceIds).toHaveLength(1);
    const reissued = (await t.api().get(`/api/v1/invoices/${run.invoiceIds[0]}`).set(bearer(finance.token))).body;
    expect(reissued).toMatchObject({ number: 'INV-000005', recipient: { commissionerId: w.essex.id }, totalPence: 50000 });
  });

  it('records payments: paid once settled; more than the balance, a credit note or a future date → 422', async () => {
    const id = cambsInvoice.id; // 162000 less the 54000 credit note = 108000 owed
    const pay = (body: Json) => t.api().post(`/api/v1/invoices/${id}/payments`).set(bearer(finance.token)).send(body);
    const part = await pay({ amountPence: 8000, receivedOn: today, reference: 'BACS 1' });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ invoiceId: id, amountPence: 8000, invoiceStatus: 'issued', balancePence: 100000 });
    expect((await pay({ amountPence: 100001, receivedOn: today, reference: 'BACS 2' })).status).toBe(422);
    expect((await pay({ amountPence: 100, receivedOn: addDays(today, 1), reference: 'BACS 2' })).status).toBe(422);
    const bad = await pay({ amountPence: 1.5, receivedOn: '2026-02-30', reference: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.field).sort()).toEqual(['amountPence', 'receivedOn', 'reference']);
    const rest = await pay({ amountPence: 100000, receivedOn: today, reference: 'BACS 2' });
    expect(rest.body).toMatchObject({ invoiceStatus: 'paid', balancePence: 0 });
    expect((await pay({ amountPence: 1, receivedOn: today, reference: 'BACS 3' })).status).toBe(422);
    const [creditNote] = await allDocuments(t, { kind: 'credit_note' });
    const cnPay = await t.api().post(`/api/v1/invoices/${creditNote.id}/payments`)
      .set(bearer(finance.token)).send({ amountPence: 1, receivedOn: today, reference: 'x' });
    expect(cnPay.status).toBe(422);
    const invoice = (await t.api().get(`/api/v1/invoices/${id}`).set(bearer(finance.token))).body;
    expect(invoice).toMatchObject({ status: 'paid', paidPence: 108000, balancePence: 0 });
    const payments = await t.api().get(`/api/v1/invoices/${id}/payments`).set(bearer(finance.token));
    expect(payments.body.map((p: Json) => p.amountPence)).toEqual([8000, 100000]);
  });

  it('reports aged debt by commissioner, aged from the issue date', async () => {
    const now = await t.api().get('/api/v1/reports/aged-debt').set(bearer(finance.token));
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ asOf: today, agedFrom: 'issueDate' });
    const cambs = now.body.commissioners.filter((c: Json) => c.commissionerId === w.cambs.id);
    // INV-000001 is paid; INV-000004 (54000) is owed by the council, INV-000003 (54000) by the budget holder
    expect(cambs).toEqual([
      expect.objectContaining({ payer: 'commissioner', invoiceCount: 1, days0To30Pence: 54000, days31To60Pence: 0, outstandingPence: 54000 }),
      expect.objectContaining({ payer: 'budget_holders', invoiceCount: 1, days0To30Pence: 54000, outstandingPence: 54000 }),
    ]);
    const later = await t.api().get('/api/v1/reports/aged-debt').query({ asOf: addDays(today, 75) }).set(bearer(finance.token));
    const essex = later.body.commissioners.find((c: Json) => c.commissionerId === w.essex.id);
    expect(essex).toMatchObject({ payer: 'commissioner', days61To90Pence: 50000, days0To30Pence: 0, outstandingPence: 50000 });
    expect(later.body.outstandingPence).toBe(54000 + 54000 + 50000);
    expect((await t.api().get('/api/v1/reports/aged-debt').query({ asOf: 'soon' }).set(bearer(finance.token))).status).toBe(400);
  });

  it('renders an invoice as a PDF', async () => {
    const res = await t.api().get(`/api/v1/invoices/${cambsInvoice.id}/pdf`).set(bearer(finance.token)).buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('INV-000001.pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(1500);
    expect((await t.api().get(`/api/v1/invoices/00000000-0000-7000-8000-000000000000/pdf`).set(bearer(finance.token))).status).toBe(404);
  });

  it('keeps issued documents immutable and their own snapshot when people and budgets change or are erased', async () => {
    await expect(t.db.query(`UPDATE documents SET total_pence = 1 WHERE id = $1`, [cambsInvoice.id])).rejects.toThrow(/immutable/);
    await expect(t.db.query(`DELETE FROM document_lines WHERE document_id = $1`, [cambsInvoice.id])).rejects.toThrow(/immutable/);
    await expect(t.db.query(`DELETE FROM billing_ledger`)).rejects.toThrow(/immutable/);
    const before = (await t.api().get(`/api/v1/invoices/${cambsInvoice.id}`).set(bearer(finance.token))).body;
    // erase the participants and rename the budgets and the council
    await t.db.query(`UPDATE participants SET first_name = 'Erased', last_name = 'Erased', guardians = '[]', erased_at = now()`);
    await t.db.query(`UPDATE personal_budgets SET reference = reference || '-RENAMED', holder_name = 'Someone Else', holder_email = 'x@y.example'`);
    await t.db.query(`UPDATE commissioners SET name = 'Renamed Council', invoice_email = NULL`);
    const after = (await t.api().get(`/api/v1/invoices/${cambsInvoice.id}`).set(bearer(finance.token))).body;
    expect(after).toEqual(before);
    const direct = (await allDocuments(t)).find((d) => d.recipient.type === 'budget_holder')!;
    expect(direct.recipient).toMatchObject({ name: 'Alex Smith', email: 'alex@family.example' });
    expect(direct.lines[0].budgetReferences).toEqual(['CAMBS-DP-1']);
  });

  it('refuses bad requests with problem details', async () => {
    const bad = await post({ quarter: '2026-Q5' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'quarter' })]);
    expect((await post({ quarter: Q, extra: 1 })).status).toBe(400);
    expect((await post({ quarter: Q, dryRun: 'yes' })).status).toBe(400);
    expect((await t.api().get('/api/v1/billing-runs/not-a-uuid').set(bearer(finance.token))).status).toBe(400);
    expect((await t.api().get('/api/v1/billing-runs/00000000-0000-7000-8000-000000000000').set(bearer(finance.token))).status).toBe(404);
    expect((await t.api().get('/api/v1/invoices').query({ kind: 'receipt' }).set(bearer(finance.token))).status).toBe(400);
    expect((await t.api().post(`/api/v1/billing-runs/${first.id}/retry`).set(bearer(finance.token))).status).toBe(409);
    expect((await t.api().post(`/api/v1/invoices/${cambsInvoice.id}/credit-notes`).set(bearer(finance.token)).send({})).status).toBe(400);
  });

  it('lets Bull retry a failing run with backoff, and POST /retry re-queue one that failed for good', async () => {
    // a fault the test injects: every INSERT into documents fails while failures_left > 0
    await t.db.query(`CREATE SEQUENCE test_billing_failures`);
    await t.db.query(`CREATE TABLE test_billing_fault (failures int NOT NULL)`);
    await t.db.query(`INSERT INTO test_billing_fault VALUES (2)`);
    await t.db.query(`
      CREATE FUNCTION test_billing_fail() RETURNS trigger AS $$
      BEGIN
        IF nextval('test_billing_failures') <= (SELECT failures FROM test_billing_fault) THEN
          RAISE EXCEPTION 'injected billing failure';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await t.db.query(`CREATE TRIGGER test_billing_fail BEFORE INSERT ON documents FOR EACH STATEMENT EXECUTE FUNCTION test_billing_fail()`);
    try {
      await w.place({ registeredOn: '2026-09-26', reference: 'CAMBS-PB-005' });
      // two failures, then Bull's third attempt succeeds
      const started = await post({ quarter: Q });
      const retried = await waitForRun(t, started.body.id, { until: ['completed'] });
      expect(retried).toMatchObject({ status: 'completed', attempts: 3, error: null });
      expect(retried.invoiceIds).toHaveLength(1);

      // three failures: the run fails for good, with the error, and nothing was issued
      await t.db.query(`UPDATE test_billing_fault SET failures = 1000`);
      await w.place({ registeredOn: '2026-09-27', reference: 'CAMBS-PB-006' });
      const res = await post({ quarter: Q });
      let settled = await waitForRun(t, res.body.id, { until: ['failed'] });
      while (settled.attempts < 3) {
        await new Promise((r) => setTimeout(r, 100));
        settled = await waitForRun(t, res.body.id, { until: ['failed'] });
      }
      await new Promise((r) => setTimeout(r, 300)); // no fourth attempt comes
      settled = await waitForRun(t, res.body.id, { until: ['failed'] });
      expect(settled).toMatchObject({ status: 'failed', attempts: 3, invoiceIds: [], creditNoteIds: [] });
      expect(settled.error).toContain('injected billing failure');

      await t.db.query(`UPDATE test_billing_fault SET failures = 0`);
      const retry = await t.api().post(`/api/v1/billing-runs/${res.body.id}/retry`).set(bearer(finance.token));
      expect(retry.status).toBe(202);
      expect(retry.body.status).toBe('queued');
      const done = await waitForRun(t, res.body.id);
      expect(done).toMatchObject({ status: 'completed', error: null });
      expect(done.invoiceIds).toHaveLength(1);
    } finally {
      await t.db.query(`DROP TRIGGER IF EXISTS test_billing_fail ON documents`);
    }
    const all = await allDocuments(t);
    expect(sorted(all.filter((d) => d.kind === 'invoice').map((d) => d.number))).toEqual(series('INV', 7));
    expect(sorted(all.filter((d) => d.kind === 'credit_note').map((d) => d.number))).toEqual(series('CN', 2));
  });
});
