import { allDocuments, billingWorld, type Json, series, sorted } from '../support/billing.js';
import { PrivateRedis } from '../support/private-redis.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { eventually, gateBillingRuns, startWorker, type WorkerProcess } from '../support/worker-process.js';

const Q = '2026-Q4';
const SWEEP = { OUTBOX_SWEEP_INTERVAL_MS: '500' };

/**
 * Redis loses everything (FLUSHALL on a private redis-server) while a billing run is being executed, and
 * the worker executing it dies: no Bull job is left anywhere, so neither Bull's stalled check nor a
 * retry could ever bring the run back (it stayed `running` for ever, blocking its quarter). The outbox
 * sweeper finds the run running with no live job, once nobody holds its quarter's lock (the dead
 * worker's transaction rolled back) and the lock duration has passed, puts it back in the queue, and a
 * live worker completes it, billing each registration exactly once.
 */
describe('fault drill: Redis flushed during a billing run', () => {
  const redis = new PrivateRedis();
  let t: TestApp;
  let w: Awaited<ReturnType<typeof billingWorld>>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    await redis.start();
    t = await createTestApp({ role: 'api', env: { REDIS_URL: redis.url, BILLING_SCHEDULE: 'off', BULL_LOCK_DURATION_MS: '2000', ...SWEEP } });
    w = await billingWorld(t);
  });
  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await t?.close();
    await redis.stop();
  });

  it('puts the run back in the queue and a live worker completes it', async () => {
    await w.place();
    await w.place({ commissionerId: w.essex.id });
    const gate = await gateBillingRuns(t); // holds the run inside its transaction until the drill lets it go
    try {
      workers.push(await startWorker(t, SWEEP));
      const res = await t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send({ quarter: Q });
      expect(res.status).toBe(202);
      const runId = res.body.id;
      await eventually(async () => (await t.db.query(`SELECT status FROM billing_runs WHERE id = $1`, [runId])).rows[0].status === 'running' && (await gate.waiting()) === 1, 60_000, 'the run to start');

      await redis.flushAll();
      await workers[0].kill();
      expect((await t.db.query(`SELECT status FROM billing_runs WHERE id = $1`, [runId])).rows[0].status).toBe('running');
      await gate.remove(); // the dead worker's transaction ends, rolled back
      workers.push(await startWorker(t, SWEEP));

      const run: Json = await eventually(
        async () => {
          const body = (await t.api().get(`/api/v1/billing-runs/${runId}`).set(bearer(t.adminToken))).body;
          return ['completed', 'failed'].includes(body.status) && body;
        },
        60_000,
        `the run to complete\n${workers[1].output()}`,
      );
      expect(run).toMatchObject({ status: 'completed', error: null, attempts: 2 });
      expect(run.invoiceIds).toHaveLength(2);
      expect(sorted((await allDocuments(t)).map((d) => d.number))).toEqual(series('INV', 2));
      const ledger = (await t.db.query(`SELECT count(*)::int AS n, count(DISTINCT registration_id)::int AS registrations FROM billing_ledger`)).rows[0];
      expect(ledger).toEqual({ n: 2, registrations: 2 });
    } finally {
      await gate.remove();
    }
  }, 180_000);

  it('re-dispatches a queued run whose job Redis lost before any worker took it', async () => {
    for (const worker of workers) await worker.kill(); // no worker: the job waits in Redis
    await w.place();
    const res = await t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send({ quarter: Q });
    expect(res.status).toBe(202);
    expect((await t.db.query(`SELECT enqueued_at IS NOT NULL AS enqueued FROM billing_runs WHERE id = $1`, [res.body.id])).rows[0].enqueued).toBe(true);

    await redis.flushAll();
    workers.push(await startWorker(t, SWEEP));
    const run: Json = await eventually(
      async () => {
        const body = (await t.api().get(`/api/v1/billing-runs/${res.body.id}`).set(bearer(t.adminToken))).body;
        return body.status === 'completed' && body;
      },
      30_000, // before the sweeper, a queued run's job was added again only after it had sat 2 minutes
      'the run to complete',
    );
    expect(run.invoiceIds).toHaveLength(1);
    expect(sorted((await allDocuments(t)).map((d) => d.number))).toEqual(series('INV', 3));
  }, 120_000);
});
