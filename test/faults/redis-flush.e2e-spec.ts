import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { aNote, caseNoteFixtures } from '../case-notes/fixtures.js';
import { PrivateRedis } from '../support/private-redis.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { eventually } from '../support/worker-process.js';

const SWEEP_INTERVAL_MS = 2000;

/** A webhook receiver that answers 500 while `failing`, 204 otherwise, and counts what it was sent. */
class Receiver {
  failing = true;
  readonly answered: number[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = this.failing ? 500 : 204;
        this.answered.push(status);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks`;
  }

  stop(): Promise<void> {
    return new Promise((done) => (this.server ? this.server.close(() => done()) : done()));
  }
}

/**
 * Redis loses everything (FLUSHALL on a private redis-server) while the service runs: a safeguarding
 * alert waiting out its retry backoff loses its delayed job, and every repeatable job (quarterly billing,
 * retention, idempotency-key pruning) loses its schedule. Before the outbox sweeper the alert was never
 * delivered (only `pending` alerts were re-queued) and the schedules stayed away until a worker restarted.
 */
describe('fault drill: Redis flushed while the service runs', () => {
  const redis = new PrivateRedis();
  const receiver = new Receiver();
  let t: TestApp;

  beforeAll(async () => {
    await redis.start();
    t = await createTestApp({
      env: {
        REDIS_URL: redis.url,
        BILLING_SCHEDULE: 'on',
        SAFEGUARDING_WEBHOOK_URL: await receiver.start(),
        SAFEGUARDING_WEBHOOK_SECRET: 'test-webhook-secret-0123456789abcdef',
        SAFEGUARDING_WEBHOOK_ATTEMPTS: '5',
        // the first retry would come only after ten minutes: long after the flush
        SAFEGUARDING_WEBHOOK_BACKOFF_MS: '600000',
        OUTBOX_SWEEP_INTERVAL_MS: String(SWEEP_INTERVAL_MS),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
    await redis.stop();
  });

  const schedules = async () => {
    const names: string[] = [];
    for (const queue of ['billing', 'data-protection', 'safeguarding-alerts']) {
      for (const job of await t.app.get<Queue>(getQueueToken(queue)).getRepeatableJobs()) names.push(`${queue}/${job.name}`);
    }
    return names.filter((name) => EXPECTED.includes(name)).sort();
  };
  const EXPECTED = ['billing/schedule-quarter', 'data-protection/erase-inactive-participants', 'data-protection/prune-idempotency-keys'];

  it('delivers a retrying alert whose delayed job Redis lost', async () => {
    const fx = caseNoteFixtures(t);
    const staff = await fx.staff();
    const { participant } = await fx.registeredParticipant();
    const note = await fx.note(participant.id, staff.coordinator.token, aNote({ category: 'safeguarding' }));
    const alertOf = async () => (await t.db.query(`SELECT status, attempts FROM safeguarding_alerts WHERE case_note_id = $1`, [note.id])).rows[0];
    await eventually(async () => (await alertOf())?.status === 'retrying', 20_000, 'the first delivery to fail');
    expect(receiver.answered).toEqual([500]);

    await redis.flushAll();
    receiver.failing = false;
    const delivered = await eventually(async () => {
      const alert = await alertOf();
      return alert.status === 'delivered' && alert;
    }, 30_000, 'the alert to be delivered');
    expect(delivered).toEqual({ status: 'delivered', attempts: 2 });
    expect(receiver.answered).toEqual([500, 204]);
  }, 60_000);

  it('registers every repeatable job again within one sweep interval', async () => {
    await eventually(async () => JSON.stringify(await schedules()) === JSON.stringify(EXPECTED), 20_000, 'the schedules to be registered at start');
    await redis.flushAll();
    const flushed = Date.now();
    expect(await schedules()).toEqual([]);
    await eventually(async () => JSON.stringify(await schedules()) === JSON.stringify(EXPECTED), 30_000, 'the schedules to come back');
    const elapsed = Date.now() - flushed;
    // one interval, plus the pass itself on a busy machine (nothing else would ever bring them back)
    expect(elapsed).toBeLessThan(SWEEP_INTERVAL_MS + 4000);
    const [quarterly] = await t.app.get<Queue>(getQueueToken('billing')).getRepeatableJobs();
    expect(quarterly).toMatchObject({ cron: '0 2 1 1,4,7,10 *', tz: 'Europe/London' });
  }, 60_000);
});
