import { jest } from '@jest/globals';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { type ChildService, freePort, killAll, logLines, randomToken, spawnService } from '../support/child-service.js';
import { createTestDatabase, dropTestDatabase, urlFor } from '../support/test-database.js';

/**
 * Issue 8, item 4: PostgreSQL goes away under the running service (a TCP proxy in this process, in front
 * of the shared server, is cut — the server itself is never touched). Every request answers 503
 * problem+json with Retry-After instead of a 500, /health/ready names the database, and the log holds one
 * "unreachable" line, a reminder per OUTAGE_LOG_INTERVAL_SECONDS and one "back" line: no stack per request.
 */
jest.setTimeout(120_000);

/** A TCP proxy to PostgreSQL that can be cut (listener closed, every connection destroyed) and restored. */
class CuttableProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

describe('fault drill: PostgreSQL unreachable', () => {
  let database: { name: string; url: string };
  let proxy: CuttableProxy;
  let child: ChildService;
  const token = randomToken('pg-down-admin');

  beforeAll(async () => {
    database = await createTestDatabase();
    const real = new URL(database.url);
    proxy = new CuttableProxy(await freePort(), { host: real.hostname, port: Number(real.port || 5432) });
    await proxy.open();
    const proxied = new URL(urlFor(database.name));
    proxied.host = `127.0.0.1:${proxy.port}`;
    child = await spawnService(
      {
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        DATABASE_URL: proxied.toString(),
        BOOTSTRAP_ADMIN_TOKEN: token,
        BULL_PREFIX: `pg-down-${randomToken('b').slice(-8)}`,
        OUTAGE_LOG_INTERVAL_SECONDS: '1',
        LOG_LEVEL: 'info',
      },
      ['api'],
    );
    await child.waitUntilReady(60_000);
  });
  afterAll(async () => {
    await killAll();
    await proxy?.cut();
    await dropTestDatabase(database.name);
  });

  const get = async (path: string) => {
    const res = await fetch(`${child.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(20_000) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers 503 with Retry-After, says so in /health/ready, logs the outage once (plus reminders), and recovers', async () => {
    expect((await get('/api/v1/programmes')).status).toBe(200);
    const logBefore = child.stdout().length;

    await proxy.cut();
    const cutAt = Date.now();
    const statuses: Record<number, number> = {};
    const retryAfter = new Set<string | null>();
    const types = new Set<unknown>();
    // 10 clients for 3 s
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (Date.now() - cutAt < 3000) {
          const res = await get('/api/v1/programmes');
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          retryAfter.add(res.headers.get('retry-after'));
          types.add(res.body.type);
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        }
      }),
    );
    const ready = await get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.detail).toMatch(/database/);

    await proxy.open();
    const restoredAt = Date.now();
    for (;;) {
      if ((await get('/api/v1/programmes')).status === 200) break;
      if (Date.now() - restoredAt > 20_000) throw new Error('the service did not recover');
      await new Promise((r) => setTimeout(r, 100));
    }
    await child.waitForOutput(/PostgreSQL is back/, 10_000);
    const downMs = Date.now() - cutAt;

    const refused = statuses[503] ?? 0;
    console.log(`PostgreSQL cut for ${downMs} ms: ${JSON.stringify(statuses)}`);
    expect(Object.keys(statuses)).toEqual(['503']);
    expect(refused).toBeGreaterThan(20);
    expect([...retryAfter]).toEqual(['5']);
    expect([...types]).toEqual(['https://short-breaks.example/problems/dependency-unavailable']);

    const lines = logLines(child.stdout().slice(logBefore));
    const outage = lines.filter((l) => l.dependency === 'postgres');
    expect(outage.filter((l) => /PostgreSQL unreachable/.test(String(l.msg)))).toHaveLength(1);
    expect(outage.filter((l) => l.msg === 'PostgreSQL is back')).toHaveLength(1);
    // a reminder per second at most (OUTAGE_LOG_INTERVAL_SECONDS=1), never one per request
    const reminders = outage.filter((l) => l.msg === 'PostgreSQL still unreachable');
    expect(reminders.length).toBeGreaterThanOrEqual(1);
    expect(reminders.length).toBeLessThanOrEqual(Math.ceil(downMs / 1000) + 1);
    // no stack and no "Unhandled error" for any refused request; the only other lines are the access lines
    expect(lines.filter((l) => JSON.stringify(l).includes('"stack"'))).toEqual([]);
    expect(lines.filter((l) => l.msg === 'Unhandled error')).toEqual([]);
    const others = lines.filter((l) => l.dependency !== 'postgres' && l.msg !== 'request completed' && l.msg !== 'request errored');
    expect(others.length).toBeLessThan(10); // other components' own outage lines, not one per request
  });
});
