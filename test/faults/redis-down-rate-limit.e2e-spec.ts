import { factories } from '../factories.js';
import { freePort } from '../support/child-service.js';
import { PrivateRedis } from '../support/private-redis.js';
import { expectProblem } from '../support/problem.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 8, item 4 (the HTTP side of Redis being down): integration keys' requests are counted in Redis.
 * With Redis down they were let through unlimited, logging a line each; now they answer 503 with
 * Retry-After (the outage logged once by the DependencyMonitor), staff requests are not affected, and
 * the keys work again as soon as Redis is back.
 */
describe('fault drill: Redis down under the integration rate limiter', () => {
  let redis: PrivateRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort()); // a port nothing listens on
    await redis.start();
    t = await createTestApp({ env: { REDIS_URL: redis.url, BILLING_SCHEDULE: 'off' } });
  });
  afterAll(async () => {
    await redis?.start().catch(() => undefined); // let the app close cleanly
    await t?.close();
    await redis?.stop();
  });

  it('answers integration keys 503 with Retry-After while Redis is down, and recovers without a restart', async () => {
    const { apiKey } = await factories(t).integration(['participants:read']);
    const asKey = () => t.api().get('/api/v1/participants').set(bearer(apiKey));
    expect((await asKey()).status).toBe(200);

    await redis.stop();
    for (let i = 0; i < 5; i++) {
      const res = await asKey();
      expectProblem(res, 503);
      expect(res.body.type).toMatch(/\/dependency-unavailable$/);
      expect(res.headers['retry-after']).toBe('5');
    }
    expect((await t.api().get('/api/v1/participants').set(bearer(t.adminToken))).status).toBe(200);

    await redis.start();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await asKey();
      if (res.status === 200) break;
      expect(res.status).toBe(503);
      if (Date.now() > deadline) throw new Error('integration keys did not work again once Redis was back');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
