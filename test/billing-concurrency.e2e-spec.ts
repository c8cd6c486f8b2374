import pg from 'pg';
import { BillingRunsService } from '../src/billing/runs/billing-runs.service.js';
import type { PlannedDocument } from '../src/billing/runs/billing-lines.js';
import { executeBillingRun, issueDocuments, loadBillingFacts } from '../src/billing/runs/billing-transactions.js';
import { planBilling } from '../src/billing/runs/billing-lines.js';
import { firstGap } from '../src/billing/documents/invoice-numbering.js';
import { todayInLondon } from '../src/common/london-calendar.js';
import type { Queryable } from '../src/database/sql.js';
import { allDocuments, inPgTransaction, billingWorld, type Json, runQuarter, series, sorted, waitForRun } from './support/billing.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/** A transaction on its own connection, with the `Queryable` shim the billing functions take. */
/**
 * Rules 5 and 6 under real concurrency: runs of one quarter racing (through the API, through several
 * "workers" executing one job, and as two transactions computed from the same state), and document
 * numbers staying gapless while many documents are issued at once and some roll back.
 */
describe('billing under concurrency', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof billingWorld>>;
  let pool: pg.Pool;
  const Q = '2026-Q4';
  const today = todayInLondon();

  beforeAll(async () => {
    t = await createTestApp({ env: { OUTBOX_SWEEP_INTERVAL_MS: '500' } });
    w = await billingWorld(t);
    pool = new pg.Pool({ connectionString: t.databaseUrl, max: 25 });
    for (let i = 0; i < 4; i++) await w.place();
    await w.place({ commissionerId: w.essex.id });
    await w.place({ type: 'direct_payment' });
  });
  afterAll(async () => {
    await pool?.end();
    await t?.close();
  });

  const ledgerCount = async () => (await t.db.query(`SELECT count(*)::int AS n FROM billing_ledger`)).rows[0].n;

  it('ten simultaneous requests for a quarter start one run and bill it once', async () => {
    // the quarter's lock is held meanwhile, so the run cannot finish before the last request arrives
    const holder = await pool.connect();
    let responses: Json[];
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(74201, hashtext($1))`, [Q]);
      responses = await Promise.all(
        Array.from({ length: 10 }, () => t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send({ quarter: Q })),
      );
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    const created = responses.filter((r) => r.status === 202);
    expect(created).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(9);
    expect(new Set(responses.map((r) => r.body.id))).toEqual(new Set([created[0].body.id]));
    const run = await waitForRun(t, created[0].body.id);
    expect(run.invoiceIds).toHaveLength(3);
    const documents = await allDocuments(t);
    expect(sorted(documents.map((d) => d.number))).toEqual(series('INV', 3));
    expect(await ledgerCount()).toBe(6);
  });

  it('several workers executing the same job at once issue one set of documents', async () => {
    await w.place();
    await w.place({ commissionerId: w.essex.id });
    const res = await t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send({ quarter: Q });
    const runs = t.app.get(BillingRunsService);
    // the in-process Bull worker plus three more executions of the same run, as redelivered jobs would be
    await Promise.all([runs.execute(res.body.id), runs.execute(res.body.id), runs.execute(res.body.id)]);
    const run = await waitForRun(t, res.body.id);
    expect(run.status).toBe('completed');
    expect(run.invoiceIds).toHaveLength(2);
    expect(sorted((await allDocuments(t)).map((d) => d.number))).toEqual(series('INV', 5));
    expect(await ledgerCount()).toBe(8);
  });

  it('two runs of one quarter racing in two transactions bill it once', async () => {
    await w.place();
    await w.place({ type: 'direct_payment' });
    // two run rows of the quarter (failed ones escape the one-active-run index), executed at the same moment
    const { rows } = await t.db.query(
      `INSERT INTO billing_runs (quarter, status) VALUES ($1, 'failed'), ($1, 'failed') RETURNING id`,
      [Q],
    );
    const outcomes = await Promise.all(rows.map((r: Json) => inPgTransaction(pool, (sql) => executeBillingRun(sql, r.id, today))));
    expect(outcomes.map((o) => o.issued.length).sort()).toEqual([0, 2]);
    expect(sorted((await allDocuments(t)).map((d) => d.number))).toEqual(series('INV', 7));
    expect(await ledgerCount()).toBe(10);
  });

  it('the ledger itself refuses a second billing computed from the same state, even without the quarter lock', async () => {
    await w.place();
    // both transactions read the ledger before either writes: they plan the same invoice
    const a = await pool.connect();
    const b = await pool.connect();
    const shim = (client: pg.PoolClient): Queryable => ({ query: (text: string, params?: unknown[]) => client.query(text, params).then((r) => r.rows) }) as Queryable;
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      const planA = planBilling(await loadBillingFacts(shim(a), Q, today));
      const planB = planBilling(await loadBillingFacts(shim(b), Q, today));
      expect(planA).toHaveLength(1);
      expect(planB).toEqual(planA);
      await issueDocuments(shim(a), planA, { billingRunId: null, createdBy: null });
      const second = issueDocuments(shim(b), planB, { billingRunId: null, createdBy: null }); // waits for A
      await a.query('COMMIT');
      await expect(second).rejects.toMatchObject({ code: '23505' }); // billing_ledger (registration_id, version)
      await b.query('ROLLBACK');
    } finally {
      a.release();
      b.release();
    }
    const documents = await allDocuments(t);
    expect(sorted(documents.map((d) => d.number))).toEqual(series('INV', 8)); // B's number went back with its rollback
    expect(await ledgerCount()).toBe(11);
    // and a run now has nothing left to bill
    const run = await runQuarter(t, Q);
    expect(run).toMatchObject({ invoiceIds: [], creditNoteIds: [] });
  });

  it('fifty documents issued at once, some forced to roll back, leave the numbers gapless', async () => {
    const [template] = await allDocuments(t, { commissionerId: w.essex.id });
    const line = template.lines[0];
    const plan = (kind: 'invoice' | 'credit_note', i: number): PlannedDocument => ({
      kind,
      recipient: { type: 'commissioner', commissionerId: w.essex.id, budgetId: null, name: 'Essex County Council', email: null, address: null, customerCode: 'ESSEX' },
      issueDate: today,
      dueDate: today,
      poNumber: null,
      creditedDocumentId: null,
      reason: `concurrency ${i}`,
      lines: [
        {
          description: `Concurrency test ${i}`,
          programmeId: line.programmeId,
          termId: line.termId,
          contractId: line.contractId,
          periodStart: line.periodStart,
          periodEnd: line.periodEnd,
          quantity: 1,
          unitPence: 100,
          amountPence: 100,
          vatUnitPence: 0,
          vatPence: 0,
          budgetReferences: [`REF-${i}`],
          entries: [],
        },
      ],
      netPence: 100,
      vatPence: 0,
      totalPence: 100,
    });
    const before = await allDocuments(t);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        inPgTransaction(pool, async (sql) => {
          const issued = await issueDocuments(sql, [plan(i % 2 ? 'credit_note' : 'invoice', i)], { billingRunId: null, createdBy: null });
          await new Promise((r) => setTimeout(r, Math.random() * 5));
          if (i % 5 === 0) throw new Error('forced rollback'); // after taking a number
          return issued;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(10);
    const after = await allDocuments(t);
    expect(after.length - before.length).toBe(40);
    expect(firstGap(after.map((d) => d.number))).toBeNull();
    const invoices = after.filter((d) => d.kind === 'invoice').map((d) => d.number);
    const creditNotes = after.filter((d) => d.kind === 'credit_note').map((d) => d.number);
    expect(sorted(invoices)).toEqual(series('INV', invoices.length));
    expect(sorted(creditNotes)).toEqual(series('CN', creditNotes.length));
    const counters = (await t.db.query(`SELECT series, last_number FROM document_counters ORDER BY series`)).rows;
    expect(counters).toEqual([
      { series: 'CN', last_number: creditNotes.length },
      { series: 'INV', last_number: invoices.length },
    ]);
  });

  it('fifty simultaneous full credits of a few invoices credit each exactly once, numbered without gaps', async () => {
    const invoices = (await allDocuments(t, { kind: 'invoice' })).filter((d) => d.billingRunId !== null && d.creditedPence === 0).slice(0, 5);
    expect(invoices.length).toBe(5);
    const cnBefore = (await allDocuments(t, { kind: 'credit_note' })).length;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.api().post(`/api/v1/invoices/${invoices[i % 5].id}/credit-notes`).set(bearer(t.adminToken)).send({ reason: `race ${i}` }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(5);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(45);
    const creditNotes = await allDocuments(t, { kind: 'credit_note' });
    expect(creditNotes.length - cnBefore).toBe(5);
    expect(sorted(creditNotes.map((d) => d.number))).toEqual(series('CN', creditNotes.length));
    for (const invoice of invoices) {
      expect((await t.api().get(`/api/v1/invoices/${invoice.id}`).set(bearer(t.adminToken))).body.status).toBe('credited');
    }
  });
});
