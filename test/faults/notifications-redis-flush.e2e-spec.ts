import { factories } from '../factories.js';
import { PrivateRedis } from '../support/private-redis.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { eventually } from '../support/worker-process.js';

/**
 * Fault drill (DOMAIN rule 18, a notification is never lost): the SMTP server refuses the first attempt,
 * so the notification's job waits out a ten-minute backoff in Redis; Redis then loses everything
 * (FLUSHALL on a private redis-server). The outbox sweeper finds the queued notification without a live
 * job, gives it a new one, and the message arrives — exactly once.
 */
describe('fault drill: Redis flushed while a notification waits for its retry', () => {
  const redis = new PrivateRedis();
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    await redis.start();
    smtp = await startSmtpServer();
    t = await createTestApp({
      env: { REDIS_URL: redis.url, SMTP_URL: smtp.url, MAIL_BACKOFF_MS: '600000', MAIL_ATTEMPTS: '5', OUTBOX_SWEEP_INTERVAL_MS: '500' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await redis.stop();
  });

  it('the sweeper sends it again under a new job once Redis lost the delayed one, and it arrives once', async () => {
    const f = factories(t);
    const term = await f.term();
    const offer = await f.offer(term as never);
    await f.registered(term as never, offer.programme, offer.commissioner.id, { participant: { guardians: [{ name: 'Jo', relationship: 'mother', email: 'jo@family.example' }] } });
    const session = await f.session(offer.programme.id, { date: '2026-12-12' });
    smtp.refuseWith = 451;
    const coordinator = await f.user('coordinator');
    expect((await t.api().post(`/api/v1/sessions/${session.id}/cancel`).set(bearer(coordinator.token)).send({ reason: 'Snow' })).status).toBe(200);
    const waiting = await eventually(
      async () => (await t.db.query(`SELECT id, attempts, dispatch_generation, status FROM notifications WHERE attempts >= 1 AND claimed_until IS NULL`)).rows[0],
      15_000,
      'the first attempt refused',
    );
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
    smtp.refuseWith = null;
    await redis.flushAll();

    await smtp.waitFor(1, 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received.map((m) => m.to)).toEqual([['jo@family.example']]);
    const [row] = (await t.db.query(`SELECT status, attempts, dispatch_generation FROM notifications WHERE id = $1`, [waiting.id])).rows;
    expect(row.status).toBe('sent');
    expect(row.attempts).toBe(2);
    expect(row.dispatch_generation).toBeGreaterThan(waiting.dispatch_generation);
  });
});
