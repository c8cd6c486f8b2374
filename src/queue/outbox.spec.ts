import { Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import type { AppConfig } from '../config/app-config.js';
import type { RedisHealth } from '../redis/redis-health.js';
import { jobLiveness } from './job-liveness.js';
import { type Outbox, type OutboxEntry, OutboxSweeper } from './outbox.js';
import { RepeatableJobs } from './repeatable.js';

/** A Bull queue as far as the sweeper looks at it: jobs by id with a state, and lock keys. */
function fakeQueue(jobs: Record<string, string>, locks: string[] = [], status = 'ready') {
  return {
    name: 'test',
    client: { status, exists: async (key: string) => (locks.includes(key) ? 1 : 0) },
    getJob: async (id: string) => (id in jobs ? { getState: async () => jobs[id], lockKey: () => `${id}:lock` } : null),
  } as unknown as Queue;
}

const config = { outboxSweepIntervalMs: 1000, outageLogIntervalMs: 60_000 } as AppConfig;
const redis = { down: false, commandFailed: () => undefined } as unknown as RedisHealth;
const noSchedules = { ensureAll: async () => [] } as unknown as RepeatableJobs;

/** An outbox that records what the sweeper asked of it; renew() gives `<id>'` a new job id. */
function fakeOutbox(queue: Queue, entries: OutboxEntry[], renewable = true) {
  const calls: string[] = [];
  const outbox: Outbox = {
    name: 'test rows',
    queue,
    inFlight: async () => entries,
    find: async (id) => entries.find((e) => e.id === id),
    enqueue: async (entry) => void calls.push(`enqueue ${entry.id} as ${entry.jobId}`),
    renew: async (entry, job) => {
      calls.push(`renew ${entry.id} (${job})`);
      return renewable ? { id: entry.id, jobId: `${entry.jobId}'`, enqueued: false } : undefined;
    },
  };
  return { outbox, calls };
}

beforeAll(() => Logger.overrideLogger(false));

describe('jobLiveness', () => {
  const queue = fakeQueue({ w: 'waiting', d: 'delayed', p: 'paused', a: 'active', o: 'active', c: 'completed', f: 'failed', s: 'stuck' }, ['a:lock']);

  it.each([
    ['w', 'live'],
    ['d', 'live'],
    ['p', 'live'],
    ['a', 'live'],
    ['o', 'orphaned'],
    ['c', 'finished'],
    ['f', 'finished'],
    ['s', 'missing'],
    ['gone', 'missing'],
  ])('job %s is %s', async (id, expected) => {
    expect(await jobLiveness(queue, id)).toBe(expected);
  });
});

describe('OutboxSweeper', () => {
  it('enqueues rows never enqueued, leaves live jobs alone, and renews rows whose job will not run', async () => {
    const queue = fakeQueue({ 'job-live': 'delayed', 'job-orphan': 'active', 'job-done': 'failed' });
    const { outbox, calls } = fakeOutbox(queue, [
      { id: 'new', jobId: 'job-new', enqueued: false },
      { id: 'live', jobId: 'job-live', enqueued: true },
      { id: 'lost', jobId: 'job-lost', enqueued: true },
      { id: 'orphan', jobId: 'job-orphan', enqueued: true },
      { id: 'done', jobId: 'job-done', enqueued: true },
    ]);
    const sweeper = new OutboxSweeper(config, noSchedules, redis);
    sweeper.register(outbox);
    await sweeper.sweep();
    expect(calls).toEqual([
      'enqueue new as job-new',
      'renew lost (missing)',
      "enqueue lost as job-lost'",
      'renew orphan (orphaned)',
      "enqueue orphan as job-orphan'",
      'renew done (finished)',
      "enqueue done as job-done'",
    ]);
  });

  it('enqueues nothing when the outbox will not renew a row (another process did, or it is being executed)', async () => {
    const { outbox, calls } = fakeOutbox(fakeQueue({}), [{ id: 'lost', jobId: 'job-lost', enqueued: true }], false);
    const sweeper = new OutboxSweeper(config, noSchedules, redis);
    sweeper.register(outbox);
    await sweeper.sweep();
    expect(calls).toEqual(['renew lost (missing)']);
  });

  it('leaves an outbox alone while its queue is not connected to Redis, and still checks the schedules', async () => {
    const { outbox, calls } = fakeOutbox(fakeQueue({}, [], 'reconnecting'), [{ id: 'new', jobId: 'job-new', enqueued: false }]);
    let checked = 0;
    const sweeper = new OutboxSweeper(config, { ensureAll: async () => (checked++, []) } as unknown as RepeatableJobs, redis);
    sweeper.register(outbox);
    await sweeper.sweep();
    expect(calls).toEqual([]);
    expect(checked).toBe(1);
  });

  it('looks at every in-flight row, page by page, not only the oldest', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => `row-${String(i).padStart(3, '0')}`);
    const enqueued: string[] = [];
    const outbox: Outbox = {
      name: 'many rows',
      queue: fakeQueue({}),
      inFlight: async (limit, after) => ids.filter((id) => after === undefined || id > after).slice(0, limit).map((id) => ({ id, jobId: id, enqueued: false })),
      find: async () => undefined,
      enqueue: async (entry) => void enqueued.push(entry.id),
      renew: async () => undefined,
    };
    const sweeper = new OutboxSweeper(config, noSchedules, redis);
    sweeper.register(outbox);
    await sweeper.sweep();
    expect(enqueued).toEqual(ids);
  });

  it('settles one row by the same rule (a job Bull has just failed for good)', async () => {
    const { outbox, calls } = fakeOutbox(fakeQueue({ 'job-1': 'failed' }), [{ id: 'one', jobId: 'job-1', enqueued: true }]);
    await new OutboxSweeper(config, noSchedules, redis).reconcile(outbox, 'one');
    expect(calls).toEqual(['renew one (finished)', "enqueue one as job-1'"]);
  });

  it('joins a pass still going instead of starting a second one', async () => {
    let passes = 0;
    const schedules = { ensureAll: async () => (passes++, await new Promise((r) => setTimeout(r, 20)), []) } as unknown as RepeatableJobs;
    const sweeper = new OutboxSweeper(config, schedules, redis);
    await Promise.all([sweeper.sweep(), sweeper.sweep(), sweeper.sweep()]);
    expect(passes).toBe(1);
  });
});

describe('RepeatableJobs', () => {
  function scheduleQueue(existing: Array<{ key: string; name: string; id: string; cron?: string; tz?: string; every?: number }>) {
    const repeat = [...existing];
    const calls: string[] = [];
    const queue = {
      name: 'housekeeping',
      client: { status: 'ready' },
      getRepeatableJobs: async () => repeat.map((r) => ({ cron: null, tz: null, every: null, ...r })),
      removeRepeatableByKey: async (key: string) => void calls.push(`remove ${key}`),
      add: async (name: string, _data: unknown, opts: { repeat: unknown; jobId: string }) => void calls.push(`add ${name} ${opts.jobId} ${JSON.stringify(opts.repeat)}`),
    } as unknown as Queue;
    return { queue, calls };
  }

  it('registers what is missing, replaces what changed, removes what is switched off, and leaves the rest', async () => {
    const { queue, calls } = scheduleQueue([
      { key: 'daily:daily:::0 3 * * *', name: 'daily', id: 'daily', cron: '0 3 * * *', tz: 'Europe/London' },
      { key: 'prune:prune:::60000', name: 'prune', id: 'prune', every: 60000 },
      { key: 'old:old:::1000', name: 'old', id: 'old', every: 1000 },
    ]);
    const registrar = new RepeatableJobs(redis);
    await registrar.register(queue, [
      { name: 'daily', schedule: { cron: '0 3 * * *', tz: 'Europe/London' } },
      { name: 'prune', schedule: { every: 120000 } },
      { name: 'old', schedule: null },
      { name: 'quarterly', jobId: 'quarterly-fixed', schedule: { cron: '0 2 1 1,4,7,10 *', tz: 'Europe/London' } },
    ]);
    expect(calls).toEqual([
      'remove prune:prune:::60000',
      'add prune prune {"every":120000}',
      'remove old:old:::1000',
      'add quarterly quarterly-fixed {"cron":"0 2 1 1,4,7,10 *","tz":"Europe/London"}',
    ]);
  });

  it('registers again, on a sweep, a schedule Redis lost', async () => {
    const { queue, calls } = scheduleQueue([]);
    const registrar = new RepeatableJobs(redis);
    await registrar.register(queue, [{ name: 'daily', schedule: { cron: '0 3 * * *', tz: 'Europe/London' } }]);
    expect(await registrar.ensureAll()).toEqual(['housekeeping/daily']);
    expect(calls).toEqual(['add daily daily {"cron":"0 3 * * *","tz":"Europe/London"}', 'add daily daily {"cron":"0 3 * * *","tz":"Europe/London"}']);
  });
});
