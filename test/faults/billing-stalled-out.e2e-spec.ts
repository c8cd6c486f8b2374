import { allDocuments, billingWorld, type Json, series, sorted } from '../support/billing.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { eventually, gateBillingRuns, startWorker, type WorkerProcess } from '../support/worker-process.js';

const Q = '2026-Q4';
/** Long: here the run must be recovered when Bull fails its job, not by a sweep. */
const NO_SWEEP = { OUTBOX_SWEEP_INTERVAL_MS: '600000' };

/**
 * Workers killed three times in the middle of one billing run: Bull moves the job back to wait twice,
 * then fails it as "job stalled more than allowable limit" (maxStalledCount 2). The run must not stay
 * `running` for ever (it did: nothing re-dispatched a running run, and retry refused it): it goes back
 * to `queued` under a new job and a live worker completes it, billing each registration exactly once.
 */
describe('fault drill: a billing run whose workers keep dying', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof billingWorld>>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    t = await createTestApp({ role: 'api', env: { BILLING_SCHEDULE: 'off', ...NO_SWEEP } });
    w = await billingWorld(t);
  });
  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await t?.close();
  });

  const runRow = async (id: string) => (await t.db.query(`SELECT status, attempts FROM billing_runs WHERE id = $1`, [id])).rows[0];

  it('goes back to the queue once Bull gives up on its job, and is completed once by a live worker', async () => {
    await w.place();
    await w.place({ commissionerId: w.essex.id });
    const gate = await gateBillingRuns(t);
    try {
      workers.push(await startWorker(t, NO_SWEEP));
      const res = await t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send({ quarter: Q });
      expect(res.status).toBe(202);
      const runId = res.body.id;

      // three workers, each killed while it is inside the run's transaction (held at the gate)
      for (let attempt = 1; attempt <= 3; attempt++) {
        await eventually(async () => {
          const row = await runRow(runId);
          return row.status === 'running' && row.attempts === attempt && (await gate.waiting()) === 1;
        }, 60_000, `execution ${attempt} to start\n${workers.at(-1)!.output()}`);
        await workers.at(-1)!.kill();
        expect(await runRow(runId)).toEqual({ status: 'running', attempts: attempt });
        await gate.flush(); // the dead worker's transaction goes on, and ends
        if (attempt === 3) await gate.remove();
        expect((await t.db.query(`SELECT count(*)::int AS n FROM documents`)).rows[0].n).toBe(0); // rolled back
        workers.push(await startWorker(t, NO_SWEEP));
      }

      // the fourth worker's stalled check fails the job for good; the run is put back and run again
      const last = workers.at(-1)!;
      const run: Json = await eventually(
        async () => {
          const body = (await t.api().get(`/api/v1/billing-runs/${runId}`).set(bearer(t.adminToken))).body;
          return ['completed', 'failed'].includes(body.status) && body;
        },
        90_000,
        `the run to complete\n${last.output()}`,
      );
      expect(last.output()).toContain('job stalled more than allowable limit');
      expect(last.output()).toContain('Billing run lost its job while running (rolled back): back in the queue');
      expect(run).toMatchObject({ status: 'completed', error: null, attempts: 4 });
      expect(run.invoiceIds).toHaveLength(2);
      expect(sorted((await allDocuments(t)).map((d) => d.number))).toEqual(series('INV', 2));
      const ledger = (await t.db.query(`SELECT count(*)::int AS n, count(DISTINCT registration_id)::int AS registrations FROM billing_ledger`)).rows[0];
      expect(ledger).toEqual({ n: 2, registrations: 2 });
    } finally {
      await gate.remove();
    }
  }, 300_000);

  it('POST /billing-runs/:id/retry takes a run stuck running whose worker is gone (409 while it is alive)', async () => {
    for (const worker of workers) await worker.kill(); // only the one started below
    await w.place({ registeredOn: '2026-09-20' });
    const gate = await gateBillingRuns(t);
    try {
      const worker = await startWorker(t, NO_SWEEP);
      workers.push(worker);
      const res = await t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send({ quarter: Q });
      const runId = res.body.id;
      await eventually(async () => (await runRow(runId))?.status === 'running' && (await gate.waiting()) === 1, 60_000, `the run to start\n${worker.output()}`);
      const retry = () => t.api().post(`/api/v1/billing-runs/${runId}/retry`).set(bearer(t.adminToken));

      const alive = await retry();
      expect(alive.status).toBe(409);
      expect(alive.body.detail).toContain('its worker is alive');

      await worker.kill(); // no worker left: nothing would ever pick the job up again
      // while the dead worker's transaction is open (held at the gate) the run cannot be retried
      expect((await retry()).status).toBe(409);
      await gate.remove();
      // once its lock (2 s) has expired and PostgreSQL has ended the dead worker's transaction, the run can
      // be retried; 409 until then
      const stuck = await eventually(async () => {
        const res = await retry();
        if (res.status !== 202) expect(res.status).toBe(409);
        return res.status === 202 && res;
      }, 20_000, 'the stuck run to be retryable');
      expect(stuck.body).toMatchObject({ id: runId, status: 'queued' });

      workers.push(await startWorker(t, NO_SWEEP));
      const run: Json = await eventually(
        async () => {
          const body = (await t.api().get(`/api/v1/billing-runs/${runId}`).set(bearer(t.adminToken))).body;
          return body.status === 'completed' && body;
        },
        60_000,
        'the retried run to complete',
      );
      expect(run.invoiceIds).toHaveLength(1);
      expect(sorted((await allDocuments(t)).map((d) => d.number))).toEqual(series('INV', 3));
    } finally {
      await gate.remove();
    }
  }, 180_000);
});
