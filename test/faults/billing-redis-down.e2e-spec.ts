import { allDocuments, billingWorld, waitForRun } from '../support/billing.js';
import { PrivateRedis } from '../support/private-redis.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * The outbox: a run requested while Redis is down is committed in Postgres and answered 202; the
 * outbox sweeper enqueues it when Redis is back, and the same process's worker completes it, with no restart.
 */
describe('fault drill: Redis down when a billing run is requested', () => {
  const redis = new PrivateRedis();
  let t: TestApp;

  beforeAll(async () => {
    await redis.start();
    t = await createTestApp({
      env: {
        REDIS_URL: redis.url,
        BILLING_SCHEDULE: 'off',
        OUTBOX_SWEEP_INTERVAL_MS: '300',
        BILLING_ENQUEUE_TIMEOUT_MS: '500',
      },
    });
  });
  afterAll(async () => {
    await redis.start().catch(() => undefined); // let the app close cleanly
    await t?.close();
    await redis.stop();
  });

  it('answers 202, keeps the run queued while Redis is away, and completes it once Redis is back', async () => {
    const w = await billingWorld(t);
    await w.place();
    await w.place({ commissionerId: w.essex.id });

    await redis.stop();
    const started = Date.now();
    const res = await t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send({ quarter: '2026-Q4' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ quarter: '2026-Q4', status: 'queued' });
    expect(Date.now() - started).toBeLessThan(5000);

    // the run is safe in Postgres; the dispatcher keeps trying
    await new Promise((r) => setTimeout(r, 1500));
    const { rows } = await t.db.query(`SELECT status, enqueued_at FROM billing_runs WHERE id = $1`, [res.body.id]);
    expect(rows).toEqual([{ status: 'queued', enqueued_at: null }]);
    expect((await t.api().get('/health/ready')).status).toBe(503);
    // a second request meanwhile names the same run
    const again = await t.api().post('/api/v1/billing-runs').set(bearer(t.adminToken)).send({ quarter: '2026-Q4' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(res.body.id);

    await redis.start(); // an empty Redis: the job was never in it
    const run = await waitForRun(t, res.body.id, { timeoutMs: 45_000 });
    expect(run).toMatchObject({ status: 'completed', attempts: 1 });
    expect(run.invoiceIds).toHaveLength(2);
    expect((await allDocuments(t)).map((d) => d.number).sort()).toEqual(['INV-000001', 'INV-000002']);
  }, 90_000);
});
