import { jest } from '@jest/globals';
import { type ChildService, killAll, logLines, randomToken, spawnService } from './support/child-service.js';
import { createTestDatabase, dropTestDatabase } from './support/test-database.js';

/**
 * Issue 12, item 5: `main.js api --workers 2` runs two API processes on one port (node:cluster). Requests
 * on new connections are answered by both; SIGTERM to the primary stops every process, which drain, and
 * the primary exits 0 once they have.
 */
jest.setTimeout(120_000);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('api --workers 2', () => {
  let database: { name: string; url: string };
  let child: ChildService;
  const token = randomToken('cluster-admin');

  beforeAll(async () => {
    database = await createTestDatabase();
    child = await spawnService(
      {
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        DATABASE_URL: database.url,
        BOOTSTRAP_ADMIN_TOKEN: token,
        BULL_PREFIX: `cluster-${randomToken('b').slice(-8)}`,
        LOG_LEVEL: 'info',
      },
      ['api', '--workers', '2'],
    );
    await child.waitUntilReady(60_000);
    await child.waitForOutput(/"msg":"Started \(api\)"[^\n]*\n[^]*"msg":"Started \(api\)"/, 60_000);
  });

  afterAll(async () => {
    await killAll();
    await dropTestDatabase(database.name);
  });

  it('answers from two processes on one port, then stops them all on SIGTERM', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      // a new connection each time: the primary hands connections to its processes in turn
      const res = await fetch(`${child.baseUrl}/api/v1/programmes`, { headers: { Authorization: `Bearer ${token}`, Connection: 'close' } });
      await res.text();
      statuses.push(res.status);
    }
    expect(new Set(statuses)).toEqual(new Set([200]));

    const lines = logLines(child.stdout());
    const servers = [...new Set(lines.filter((l) => l.msg === 'request completed').map((l) => Number(l.pid)))];
    expect(servers).toHaveLength(2);
    expect(servers).not.toContain(child.process.pid);

    const exit = await child.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    const after = logLines(child.stdout());
    expect(after.filter((l) => l.msg === 'HTTP drained')).toHaveLength(2);
    for (const pid of servers) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false });
  });

  it('refuses --workers for a role other than api', async () => {
    const other = await spawnService({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', DATABASE_URL: database.url }, ['worker', '--workers', '2']);
    const exit = await other.exited;
    expect(exit.code).toBe(1);
    expect(other.stderr()).toContain('--workers and API_WORKERS apply to the api role only');
  });
});
