import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { type Json } from '../support/billing.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const REGISTRATIONS = 40_000;
const Q = '2026-Q4';

/** A worker process (`node dist/src/main.js worker`) on the test's database and Bull prefix. */
async function startWorker(t: TestApp): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['dist/src/main.js', 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: t.databaseUrl,
      REDIS_URL: t.config.redisUrl,
      BULL_PREFIX: t.config.bullPrefix,
      // a killed worker's job is found stalled within seconds, not the default 30 s
      BULL_LOCK_DURATION_MS: '2000',
      BULL_STALLED_INTERVAL_MS: '1000',
      BILLING_SCHEDULE: 'off',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const deadline = Date.now() + 30_000;
  while (!output.includes('Started (worker)')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the worker did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => output };
}

/** A document as content only (no ids), in a form the preview and the database can both be put in. */
const canonical = (d: Json) =>
  JSON.stringify([
    d.kind,
    d.customerCode,
    d.poNumber ?? null,
    d.dueDate,
    Number(d.netPence),
    Number(d.vatPence),
    Number(d.totalPence),
    d.lines.map((l: Json) => [l.programmeId, l.termId, l.quantity, l.unitPence, Number(l.vatPence), l.budgetReferences]),
  ]);

/**
 * A worker killed with SIGKILL in the middle of a run: its transaction dies with it, Bull finds the job
 * stalled and hands it to another worker, which bills the quarter exactly as an uninterrupted run would
 * (same documents, same numbers, nothing twice).
 */
describe('fault drill: a worker killed mid-run', () => {
  let t: TestApp;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    // the API only: the test's own process consumes no jobs
    t = await createTestApp({ role: 'api', env: { BILLING_SCHEDULE: 'off', OUTBOX_SWEEP_INTERVAL_MS: '500' } });
    await promisify(execFile)(process.execPath, [
      'test/bench/billing/seed.mjs',
      '--url',
      t.databaseUrl,
      '--registrations',
      String(REGISTRATIONS),
      '--commissioners',
      '20',
      '--programmes',
      '200',
    ]);
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) {
      if (w.exitCode === null && w.signalCode === null) {
        w.kill('SIGTERM');
        await once(w, 'exit');
      }
    }
    await t?.close();
  });

  it('bills the quarter once, exactly as an uninterrupted run would, after the retry', async () => {
    // what an uninterrupted run would issue, in numbering order
    const preview = await t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send({ quarter: Q, dryRun: true });
    expect(preview.status).toBe(200);
    const expected = preview.body.documents.map((d: Json) => canonical({ ...d, customerCode: d.recipient.customerCode }));
    expect(expected.length).toBeGreaterThan(1000);

    const first = await startWorker(t);
    workers.push(first.child);
    const res = await t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send({ quarter: Q });
    expect(res.status).toBe(202);
    const runId = res.body.id;

    // wait until the worker is inside the run's transaction, then kill it without warning
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await t.db.query(`SELECT status FROM billing_runs WHERE id = $1`, [runId]);
      if (rows[0].status === 'running') break;
      if (Date.now() > deadline) throw new Error(`the run never started:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 700));
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    // nothing of the interrupted run is left: its transaction never committed
    const interrupted = (await t.db.query(`SELECT status, attempts FROM billing_runs WHERE id = $1`, [runId])).rows[0];
    expect(interrupted).toEqual({ status: 'running', attempts: 1 });
    expect((await t.db.query(`SELECT count(*)::int AS n FROM documents`)).rows[0].n).toBe(0);

    // another worker finds the job stalled and runs it again
    const second = await startWorker(t);
    workers.push(second.child);
    const until = Date.now() + 90_000;
    let run: Json;
    for (;;) {
      run = (await t.api().get(`/api/v1/billing-runs/${runId}`).set(bearer(t.adminToken))).body;
      if (run.status === 'completed' || run.status === 'failed') break;
      if (Date.now() > until) throw new Error(`the run did not complete: ${JSON.stringify(run)}\n${second.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(run).toMatchObject({ status: 'completed', error: null });
    expect(run.attempts).toBeGreaterThanOrEqual(2);
    expect(second.output()).toContain('Billing job stalled');

    // the same documents, numbered in the same order, each registration billed once
    const documents = (
      await t.db.query(`
        SELECT d.number, d.kind, d.customer_code AS "customerCode", d.po_number AS "poNumber", d.due_date AS "dueDate",
               d.net_pence AS "netPence", d.vat_pence AS "vatPence", d.total_pence AS "totalPence",
               json_agg(json_build_object('programmeId', l.programme_id, 'termId', l.term_id, 'quantity', l.quantity,
                        'unitPence', l.unit_pence, 'vatPence', l.vat_pence, 'budgetReferences', l.budget_references) ORDER BY l.line) AS lines
          FROM documents d JOIN document_lines l ON l.document_id = d.id
         GROUP BY d.id ORDER BY d.series DESC, d.seq`)
    ).rows;
    expect(documents.map((d: Json) => d.number)).toEqual(expected.map((_: string, i: number) => `INV-${String(i + 1).padStart(6, '0')}`));
    expect(documents.map(canonical)).toEqual(expected);
    expect(run.invoiceIds).toHaveLength(expected.length);
    // v1.1: a direct payment's place is billed by the session, so a registration may have several units;
    // each unit (a place, or one session) is billed once
    const ledger = (
      await t.db.query(`SELECT count(*)::int AS n, count(DISTINCT (registration_id, unit))::int AS units,
                               count(DISTINCT registration_id)::int AS registrations FROM billing_ledger`)
    ).rows[0];
    expect(ledger.n).toBe(ledger.units);
    expect(ledger.registrations).toBe(REGISTRATIONS);
    expect((await t.db.query(`SELECT last_number FROM document_counters WHERE series = 'INV'`)).rows[0].last_number).toBe(expected.length);
  }, 180_000);
});
