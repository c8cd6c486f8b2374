import { type ChildService, killAll, logLines, randomToken, spawnService } from '../support/child-service.js';
import { PrivateRedis } from '../support/private-redis.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';

const OUTAGE_SECONDS = 20;
const REMINDER_SECONDS = 5;
const OUTAGE_LINES = /^Redis (unreachable|still unreachable|is back)$/;
/** What the service logs as it recovers from the outage: one line per thing it put right. */
const RECOVERY_LINES = /^(Outbox sweep dispatched rows whose job was not in Redis|Repeatable job was missing from Redis: registered again|Billing run completed)$/;

/**
 * Redis stopped under a running service (`node dist/src/main.js`, API and worker in one process): the
 * service keeps answering, Bull Board says 503 at once, and the log says "Redis unreachable" once, a
 * reminder at most every OUTAGE_LOG_INTERVAL_SECONDS and "Redis is back" once — for every connection the
 * process holds (the app's client, and each queue's client, subscriber and blocking client). Before,
 * every reconnection attempt of every connection logged a line (and ioredis printed "Unhandled error
 * event" with a stack for the app's client): 41 MB in 16 minutes; Bull Board hung about 4 minutes and
 * then answered a 500 carrying the ioredis message.
 */
describe('fault drill: Redis stopped under a running service', () => {
  const redis = new PrivateRedis();
  const adminToken = randomToken('admin');
  let database: { name: string; url: string };
  let child: ChildService;

  beforeAll(async () => {
    await redis.start();
    database = await createTestDatabase();
    child = await spawnService({
      REDIS_URL: redis.url,
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_TOKEN: adminToken,
      BULL_PREFIX: `down-${randomToken('b').slice(-8)}`,
      LOG_LEVEL: 'info',
      OUTAGE_LOG_INTERVAL_SECONDS: String(REMINDER_SECONDS),
      // a sweep every half second: it must not log while Redis is away
      OUTBOX_SWEEP_INTERVAL_MS: '500',
    });
    await child.waitUntilReady(60_000);
  }, 90_000);
  afterAll(async () => {
    await killAll();
    await redis.stop();
    if (database) await dropTestDatabase(database.name);
  });

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const started = Date.now();
    const res = await fetch(`${child.baseUrl}${path}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, ms: Date.now() - started };
  };

  it('logs the outage in a few lines, keeps serving, and Bull Board answers 503 at once', async () => {
    const integration = await call('POST', '/api/v1/integrations', adminToken, { name: 'Forms', scopes: ['participants:read'] });
    expect(integration.status).toBe(201);
    const apiKey = JSON.parse(integration.text).apiKey as string;
    expect((await call('GET', '/admin/queues/api/queues', adminToken)).status).toBe(200);

    const stdoutBefore = child.stdout().length;
    const stderrBefore = child.stderr().length;
    await redis.stop();
    const stopped = Date.now();
    const board: Array<Awaited<ReturnType<typeof call>>> = [];
    let runId: string | undefined;
    while (Date.now() - stopped < OUTAGE_SECONDS * 1000) {
      expect((await call('GET', '/health/ready')).status).toBe(503);
      board.push(await call('GET', '/admin/queues/api/queues', adminToken));
      // integration requests: their rate limit cannot be counted, so they are refused 503 (no log line each)
      const integrationCall = await call('GET', '/api/v1/participants', apiKey);
      expect(integrationCall.status).toBe(503);
      expect(integrationCall.headers.get('retry-after')).toBeTruthy();
      const run = await call('POST', '/api/v1/billing-runs', adminToken, { quarter: '2026-Q4' });
      expect([200, 202]).toContain(run.status);
      runId ??= JSON.parse(run.text).id;
      await new Promise((r) => setTimeout(r, 500));
    }
    await redis.start();
    await child.waitForOutput(/"msg":"Redis is back"/, 30_000);
    const outageMs = Date.now() - stopped;

    // the outage's window: from Redis stopping to the "Redis is back" line (what follows is recovery)
    const all = child.stdout().slice(stdoutBefore);
    const stdout = all.slice(0, all.indexOf('\n', all.indexOf('"msg":"Redis is back"')) + 1);
    const stderr = child.stderr().slice(stderrBefore);
    const lines = stdout.split('\n').filter((l) => l.trim() !== '');
    const parsed = logLines(stdout);
    // pino-http's line per request (a line logged while serving a request carries `req` too, but not `res`)
    const requestLogs = parsed.filter((l) => l.res !== undefined);
    const others = parsed.filter((l) => l.res === undefined);
    const outage = others.filter((l) => OUTAGE_LINES.test(String(l.msg)));
    // the figures the report quotes: lines per minute of outage, request logs aside
    console.log(
      `Redis down ${Math.round(outageMs / 1000)} s: ${lines.length - requestLogs.length} log lines besides request logs ` +
        `(${Math.round(((lines.length - requestLogs.length) * 60_000) / outageMs)} per minute), ${stderr.split('\n').filter(Boolean).length} stderr lines; ` +
        `${requestLogs.length} request logs; outage lines: ${outage.map((l) => l.msg).join(', ')}`,
    );

    expect(stderr).not.toContain('Unhandled error event');
    expect(stdout).not.toContain('Unhandled error event');
    expect(stderr.trim()).toBe('');
    expect(lines.length).toBe(parsed.length); // nothing but JSON log lines
    // nothing but the outage's own lines, however many connections failed and requests were refused; the
    // recovery may begin a moment before the last connection is back and "Redis is back" is logged (the
    // sweeper starts once the queues' own clients answer): its few lines are not outage noise
    const unexpected = others.map((l) => String(l.msg)).filter((m) => !OUTAGE_LINES.test(m));
    expect(unexpected.filter((m) => !RECOVERY_LINES.test(m))).toEqual([]);
    expect(unexpected.length).toBeLessThanOrEqual(10);
    expect(outage.filter((l) => l.msg === 'Redis unreachable')).toHaveLength(1);
    expect(outage.filter((l) => l.msg === 'Redis is back')).toHaveLength(1);
    expect(outage.filter((l) => l.msg === 'Redis still unreachable').length).toBeLessThanOrEqual(Math.ceil(outageMs / (REMINDER_SECONDS * 1000)));
    expect(outage.at(-1)!.msg).toBe('Redis is back');

    // Bull Board: problem details, 503, Retry-After, promptly, and no ioredis message
    expect(board.length).toBeGreaterThan(3);
    for (const res of board) {
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(JSON.parse(res.text)).toMatchObject({ status: 503, title: 'Service unavailable' });
      expect(res.text).not.toMatch(/ECONNREFUSED|ioredis|Connection is closed|max retries|Stream isn't writeable/i);
      expect(res.ms).toBeLessThan(3000);
    }
    // and, Redis back, the board and the run requested meanwhile both work without a restart
    expect((await call('GET', '/admin/queues/api/queues', adminToken)).status).toBe(200);
    const deadline = Date.now() + 30_000;
    let status = '';
    while (status !== 'completed' && Date.now() < deadline) {
      status = JSON.parse((await call('GET', `/api/v1/billing-runs/${runId}`, adminToken)).text).status;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe('completed');
  }, 120_000);
});
