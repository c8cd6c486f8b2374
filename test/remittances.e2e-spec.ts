import { addDays, todayInLondon } from '../src/common/london-calendar.js';
import { allDocuments, billingWorld, type Json, runQuarter } from './support/billing.js';
import { type Council, councilOf, placeWith } from './support/money.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Remittances (DOMAIN rule 14): explicit or oldest-first allocation to a council's invoices, the rest
 * on account and placed later; never beyond what an invoice owes nor beyond the remittance, whatever
 * the concurrency (real concurrent HTTP requests against the real database).
 */
describe('remittances', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof billingWorld>>;
  let finance: Json & { token: string };
  const today = todayInLondon();
  const Q = '2026-Q4';

  beforeAll(async () => {
    t = await createTestApp();
    w = await billingWorld(t);
    finance = await w.f.user('finance');
  });
  afterAll(() => t?.close());

  const remit = (body: Json, token = finance.token) => t.api().post('/api/v1/remittances').set(bearer(token)).send(body);
  const allocate = (id: string, body: Json, token = finance.token) => t.api().post(`/api/v1/remittances/${id}/allocations`).set(bearer(token)).send(body);
  const invoice = async (id: string) => (await t.api().get(`/api/v1/invoices/${id}`).set(bearer(finance.token))).body;
  const patchTerms = (id: string, paymentTermsDays: number) =>
    t.api().patch(`/api/v1/commissioners/${id}`).set(bearer(t.adminToken)).send({ paymentTermsDays }).expect(200);

  const council = (name: string) => councilOf(w, name);
  /** `places` new places of the council billed in one run: its invoice (places × its price). */
  async function invoiceFor(c: Council, places: number): Promise<Json> {
    for (let i = 0; i < places; i++) await placeWith(w, c);
    const run = await runQuarter(t, Q);
    const documents = await allDocuments(t, { billingRunId: run.id });
    return documents.find((d) => d.recipient.type === 'commissioner' && d.recipient.commissionerId === c.id)!;
  }
  const paidOn = async (invoiceId: string) =>
    Number((await t.db.query(`SELECT coalesce(sum(amount_pence), 0) AS paid FROM payments WHERE document_id = $1`, [invoiceId])).rows[0].paid);

  describe('the README example: one remittance across three invoices, oldest first, the rest on account', () => {
    const invoices: Json[] = [];
    let remittance: Json;

    beforeAll(async () => {
      // Cambridgeshire (price 45000 + 20% VAT = 54000 a place): three runs, three invoices, due in 30, 0 and 14 days
      await w.place();
      await runQuarter(t, Q);
      await patchTerms(w.cambs.id, 0);
      await w.place();
      await runQuarter(t, Q);
      await patchTerms(w.cambs.id, 14);
      await w.place();
      await w.place();
      await runQuarter(t, Q);
      const documents = await allDocuments(t, { commissionerId: w.cambs.id, kind: 'invoice' });
      invoices.push(...documents.filter((d) => d.recipient.type === 'commissioner').sort((a, b) => a.number.localeCompare(b.number)));
      expect(invoices.map((i) => [i.number, i.totalPence, i.dueDate])).toEqual([
        ['INV-000001', 54000, addDays(today, 30)],
        ['INV-000002', 54000, today],
        ['INV-000003', 108000, addDays(today, 14)],
      ]);
    });

    it('pays the invoice due first, then the next; what is left stays on account', async () => {
      const res = await remit({ commissionerId: w.cambs.id, receivedOn: today, amountPence: 250000, reference: 'CCC BACS 4471' });
      expect(res.status).toBe(201);
      remittance = res.body;
      expect(remittance).toMatchObject({ commissionerId: w.cambs.id, amountPence: 250000, reference: 'CCC BACS 4471', allocatedPence: 216000, unallocatedPence: 34000 });
      expect(remittance.allocations.map((a: Json) => [a.invoiceNumber, a.amountPence, a.receivedOn])).toEqual([
        ['INV-000002', 54000, today],
        ['INV-000003', 108000, today],
        ['INV-000001', 54000, today],
      ]);
      for (const i of invoices) expect(await invoice(i.id)).toMatchObject({ status: 'paid', paidPence: i.totalPence, balancePence: 0 });
      const payments = (await t.api().get(`/api/v1/invoices/${invoices[2].id}/payments`).set(bearer(finance.token))).body;
      expect(payments).toEqual([expect.objectContaining({ amountPence: 108000, method: 'bacs', remittanceId: remittance.id, reference: 'CCC BACS 4471' })]);
      expect((await t.api().get(`/api/v1/remittances/${remittance.id}`).set(bearer(finance.token))).body).toEqual(remittance);
    });

    it('allocates oldest first by due date, then issue date, then number (a part payment stops at the money)', async () => {
      const other = await council('Peterborough City Council');
      const a = await invoiceFor(other, 1); // due in 30 days
      await patchTerms(other.id, 0);
      const b = await invoiceFor(other, 2); // due today: the oldest
      const res = await remit({ commissionerId: other.id, receivedOn: today, amountPence: 100000, reference: 'PCC 1' });
      expect(res.body.allocations.map((x: Json) => [x.invoiceId, x.amountPence])).toEqual([
        [b.id, 90000],
        [a.id, 10000],
      ]);
      expect(res.body.unallocatedPence).toBe(0);
      expect(await invoice(a.id)).toMatchObject({ status: 'issued', balancePence: 35000 });
    });

    it('places money on account later (POST /remittances/:id/allocations), never more than is on account', async () => {
      // nothing outstanding: nothing to place, the money stays on account
      const idle = await allocate(remittance.id, {});
      expect(idle.status).toBe(201);
      expect(idle.body).toMatchObject({ unallocatedPence: 34000, allocations: remittance.allocations });

      await w.place();
      await w.place();
      const fourth = (await allDocuments(t, { billingRunId: (await runQuarter(t, Q)).id })).find((d) => d.recipient.commissionerId === w.cambs.id)!;
      expect(fourth).toMatchObject({ number: 'INV-000006', totalPence: 108000 });
      expectProblem(await allocate(remittance.id, { allocations: [{ invoiceId: fourth.id, amountPence: 34001 }] }), 422, 'allocations');
      const placed = await allocate(remittance.id, {});
      expect(placed.status).toBe(201);
      expect(placed.body).toMatchObject({ allocatedPence: 250000, unallocatedPence: 0 });
      expect(placed.body.allocations).toHaveLength(4);
      expect(placed.body.allocations[3]).toMatchObject({ invoiceId: fourth.id, invoiceNumber: 'INV-000006', amountPence: 34000, receivedOn: today });
      expect(await invoice(fourth.id)).toMatchObject({ status: 'issued', paidPence: 34000, balancePence: 74000 });
      const none = await allocate(remittance.id, {});
      expectProblem(none, 422);
      expect(none.body.type).toMatch(/nothing-on-account$/);
      expectProblem(await allocate(NO_SUCH_ID, {}), 404);
    });
  });

  describe('explicit allocations', () => {
    let norfolk: Council;
    let first: Json;
    let second: Json;

    beforeAll(async () => {
      norfolk = await council('Norfolk County Council');
      first = await invoiceFor(norfolk, 2); // 90000
      second = await invoiceFor(norfolk, 1); // 45000
    });

    it('allocates as told, the rest on account', async () => {
      const res = await remit({
        commissionerId: norfolk.id,
        receivedOn: today,
        amountPence: 60000,
        reference: 'NCC 1',
        allocations: [
          { invoiceId: second.id, amountPence: 45000 },
          { invoiceId: first.id, amountPence: 5000 },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ allocatedPence: 50000, unallocatedPence: 10000 });
      expect(res.body.allocations.map((a: Json) => [a.invoiceId, a.amountPence]).sort()).toEqual(
        [
          [second.id, 45000],
          [first.id, 5000],
        ].sort(),
      );
      expect(await invoice(second.id)).toMatchObject({ status: 'paid' });
      expect(await invoice(first.id)).toMatchObject({ balancePence: 85000 });
      const empty = await remit({ commissionerId: norfolk.id, receivedOn: today, amountPence: 700, reference: 'NCC on account', allocations: [] });
      expect(empty.body).toMatchObject({ allocations: [], allocatedPence: 0, unallocatedPence: 700 });
    });

    it('refuses, naming the allocation, what no remittance may pay; and leaves nothing behind', async () => {
      const essexInvoice = await invoiceFor({ id: w.essex.id, programme: w.programme }, 1);
      const holder = await placeWith(w, norfolk, 'direct_payment');
      const run = await runQuarter(t, Q);
      const holderInvoice = (await allDocuments(t, { billingRunId: run.id })).find((d) => d.recipient.budgetId === holder.budget.id)!;
      const credit = await t.api().post(`/api/v1/invoices/${essexInvoice.id}/credit-notes`).set(bearer(finance.token)).send({ reason: 'Wrong PO' });
      expect(credit.status).toBe(201);
      const before = (await t.db.query(`SELECT (SELECT count(*) FROM remittances) AS r, (SELECT count(*) FROM payments) AS p`)).rows[0];
      const refused = async (allocations: Json[], field: string, code: RegExp, amountPence = 90000) => {
        const res = await remit({ commissionerId: norfolk.id, receivedOn: today, amountPence, reference: 'NCC refused', allocations });
        expectProblem(res, 422, field);
        expect(res.body.type).toMatch(code);
      };
      await refused([{ invoiceId: first.id, amountPence: 85001 }], 'allocations[0].amountPence', /allocation-exceeds-outstanding$/);
      await refused([{ invoiceId: first.id, amountPence: 1 }, { invoiceId: essexInvoice.id, amountPence: 1 }], 'allocations[1].invoiceId', /not-the-commissioners-invoice$/);
      await refused([{ invoiceId: holderInvoice.id, amountPence: 1 }], 'allocations[0].invoiceId', /not-the-commissioners-invoice$/);
      await refused([{ invoiceId: credit.body.id, amountPence: 1 }], 'allocations[0].invoiceId', /not-an-invoice$/);
      await refused([{ invoiceId: NO_SUCH_ID, amountPence: 1 }], 'allocations[0].invoiceId', /unknown-invoice$/);
      await refused([{ invoiceId: first.id, amountPence: 1 }, { invoiceId: first.id, amountPence: 1 }], 'allocations[1].invoiceId', /duplicate-allocation$/);
      await refused([{ invoiceId: first.id, amountPence: 80000 }], 'allocations', /allocation-exceeds-remittance$/, 70000);
      expectProblem(await remit({ commissionerId: NO_SUCH_ID, receivedOn: today, amountPence: 1, reference: 'x' }), 422, 'commissionerId');
      expectProblem(await remit({ commissionerId: norfolk.id, receivedOn: addDays(today, 1), amountPence: 1, reference: 'x' }), 422, 'receivedOn');
      const invalid = await remit({ commissionerId: 'nope', receivedOn: '2026-02-30', amountPence: 0, reference: '', allocations: [{ invoiceId: first.id, amountPence: 1.5 }] });
      expectProblem(invalid, 400);
      expect(invalid.body.errors.map((e: Json) => e.field).sort()).toEqual(['allocations.0.amountPence', 'amountPence', 'commissionerId', 'receivedOn', 'reference']);
      expectProblem(await remit({ commissionerId: norfolk.id, receivedOn: today, amountPence: 1, reference: 'x', allocations: 'all' }), 400, 'allocations');
      expectProblem(await remit({ commissionerId: norfolk.id, receivedOn: today, amountPence: 1, reference: 'x', method: 'bacs' }), 400, 'method');
      const after = (await t.db.query(`SELECT (SELECT count(*) FROM remittances) AS r, (SELECT count(*) FROM payments) AS p`)).rows[0];
      expect(after).toEqual(before);
      expect(await invoice(first.id)).toMatchObject({ balancePence: 85000 });
    });

    it('holds the rule in the database whoever writes: no allocation beyond the remittance or to another council', async () => {
      const [{ id, commissioner_id }] = (await t.db.query(`SELECT id, commissioner_id FROM remittances WHERE reference = 'NCC on account'`)).rows;
      expect(commissioner_id).toBe(norfolk.id);
      const insert = (documentId: string, amount: number) =>
        t.db.query(`INSERT INTO payments (document_id, amount_pence, received_on, reference, remittance_id) VALUES ($1, $2, $3, 'sql', $4)`, [documentId, amount, today, id]);
      await expect(insert(first.id, 701)).rejects.toMatchObject({ constraint: 'remittances_allocated_within_amount' });
      const essexInvoice = (await allDocuments(t, { commissionerId: w.essex.id, kind: 'invoice' }))[0];
      await expect(insert(essexInvoice.id, 1)).rejects.toMatchObject({ constraint: 'payments_remittance_payer' });
      await expect(t.db.query(`UPDATE remittances SET allocated_pence = amount_pence + 1 WHERE id = $1`, [id])).rejects.toMatchObject({
        constraint: 'remittances_allocated_within_amount',
      });
    });
  });

  describe('under concurrency', () => {
    it('20 remittances racing for the same invoices (and direct payments of one of them) never over-pay an invoice', async () => {
      const suffolk = await council('Suffolk County Council');
      const invoices = [await invoiceFor(suffolk, 1), await invoiceFor(suffolk, 2), await invoiceFor(suffolk, 3)];
      const owed = invoices.reduce((s, i) => s + i.totalPence, 0); // 270000
      const amounts = Array.from({ length: 20 }, (_, i) => 17000 + i * 100); // 359000 in all
      const remittances = amounts.map((amountPence, i) => remit({ commissionerId: suffolk.id, receivedOn: today, amountPence, reference: `SCC race ${i}` }));
      const payments = Array.from({ length: 6 }, (_, i) => t.api().post(`/api/v1/invoices/${invoices[0].id}/payments`).set(bearer(finance.token))
        .send({ amountPence: 10000, receivedOn: today, reference: `card ${i}`, method: 'card' }));
      const [remitted, paid] = await Promise.all([Promise.all(remittances), Promise.all(payments)]);
      expect(remitted.map((r) => r.status)).toEqual(amounts.map(() => 201));
      for (const p of paid) {
        expect([201, 422]).toContain(p.status);
        if (p.status === 422) expect(p.body.type).toMatch(/overpayment$/);
      }
      for (const i of invoices) {
        expect(await paidOn(i.id)).toBe(i.totalPence);
        expect(await invoice(i.id)).toMatchObject({ status: 'paid', balancePence: 0 });
      }
      const directlyPaid = paid.filter((p) => p.status === 201).length * 10000;
      const allocated = remitted.reduce((s, r) => s + r.body.allocatedPence, 0);
      expect(allocated).toBe(Math.min(owed, amounts.reduce((s, a) => s + a, 0)) - directlyPaid);
      for (const [k, r] of remitted.entries()) {
        expect(r.body.allocatedPence + r.body.unallocatedPence).toBe(amounts[k]);
        expect(r.body.allocations.reduce((s: number, a: Json) => s + a.amountPence, 0)).toBe(r.body.allocatedPence);
      }
      const stored = (await t.db.query(
        `SELECT r.id, r.allocated_pence AS allocated, (SELECT coalesce(sum(p.amount_pence), 0)::int FROM payments p WHERE p.remittance_id = r.id) AS sum
           FROM remittances r WHERE r.commissioner_id = $1`,
        [suffolk.id],
      )).rows;
      expect(stored).toHaveLength(20);
      for (const r of stored) expect(r.allocated).toBe(r.sum);
    });

    it('explicit allocations racing for one invoice: those that fit succeed, the rest are refused whole', async () => {
      const herts = await council('Hertfordshire County Council');
      const target = await invoiceFor(herts, 2); // 90000
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          remit({ commissionerId: herts.id, receivedOn: today, amountPence: 20000, reference: `HCC race ${i}`, allocations: [{ invoiceId: target.id, amountPence: 20000 }] }),
        ),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(4);
      for (const r of results.filter((x) => x.status !== 201)) {
        expectProblem(r, 422, 'allocations[0].amountPence');
      }
      expect(await paidOn(target.id)).toBe(80000);
      expect(Number((await t.db.query(`SELECT count(*) FROM remittances WHERE commissioner_id = $1`, [herts.id])).rows[0].count)).toBe(4);
    });

    it('money on account placed by racing requests is placed once: never more than is on account', async () => {
      const beds = await council('Bedford Borough Council');
      const held = await remit({ commissionerId: beds.id, receivedOn: today, amountPence: 50000, reference: 'BBC on account' });
      expect(held.body).toMatchObject({ allocations: [], unallocatedPence: 50000 });
      const open = await invoiceFor(beds, 5); // 225000
      const explicit = Array.from({ length: 8 }, () => allocate(held.body.id, { allocations: [{ invoiceId: open.id, amountPence: 10000 }] }));
      const oldestFirst = Array.from({ length: 4 }, () => allocate(held.body.id, {}));
      const results = await Promise.all([...explicit, ...oldestFirst]);
      for (const r of results) {
        expect([201, 422]).toContain(r.status);
        if (r.status === 422) expect(r.body.type).toMatch(/(nothing-on-account|allocation-exceeds-remittance)$/);
      }
      const final = (await t.api().get(`/api/v1/remittances/${held.body.id}`).set(bearer(finance.token))).body;
      expect(final).toMatchObject({ allocatedPence: 50000, unallocatedPence: 0 });
      expect(await paidOn(open.id)).toBe(50000);
    });
  });

  it('lists remittances by commissioner, paged', async () => {
    const page = await t.api().get('/api/v1/remittances').query({ commissionerId: w.cambs.id, limit: 1 }).set(bearer(finance.token));
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0]).toMatchObject({ commissionerId: w.cambs.id, reference: 'CCC BACS 4471' });
    expect(page.body.nextCursor).toBeNull();
    const all = await t.api().get('/api/v1/remittances').query({ limit: 200 }).set(bearer(finance.token));
    expect(all.body.items.length).toBeGreaterThan(20);
  });
});
