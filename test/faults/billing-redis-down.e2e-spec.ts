import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { allDocuments, billingWorld, waitForRun } from '../support/billing.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/** A private Redis (never the shared one): started, stopped and started again on the same port. */
class PrivateRedis {
  private child?: ChildProcess;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return; // already up
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    while (!(await this.answers())) {
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  private answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection({ port: this.port, host: '127.0.0.1' }, () => {
        socket.write('PING\r\n');
      });
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
    });
  }
}

/**
 * The outbox: a run requested while Redis is down is committed in Postgres and answered 202; the
 * dispatcher enqueues it when Redis is back, and the same process's worker completes it, with no restart.
 */
describe('fault drill: Redis down when a billing run is requested', () => {
  const redis = new PrivateRedis(30000 + Math.floor(Math.random() * 20000));
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
