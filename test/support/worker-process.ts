import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { TestApp } from './test-app.js';

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  /** SIGKILL: no shutdown, the way a crash or the OOM killer ends a process. */
  kill: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * A worker process (`node dist/src/main.js worker`) on the test app's database, Redis and Bull prefix.
 * Its lock and stalled check are short, so a killed worker's job is found stalled within seconds.
 */
export async function startWorker(t: TestApp, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['dist/src/main.js', 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: t.databaseUrl,
      REDIS_URL: t.config.redisUrl,
      BULL_PREFIX: t.config.bullPrefix,
      BULL_LOCK_DURATION_MS: '2000',
      BULL_STALLED_INTERVAL_MS: '1000',
      BILLING_SCHEDULE: 'off',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  const deadline = Date.now() + 60_000;
  while (!output.includes('Started (worker)')) {
    if (ended() || Date.now() > deadline) throw new Error(`the worker did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const end = async (signal: NodeJS.Signals) => {
    if (ended()) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  };
  return { child, output: () => output, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

/**
 * Makes every billing run slow (each INSERT into documents sleeps `seconds` first), so a drill can kill
 * its worker in the middle of a run. Returns how to take the delay away again.
 */
export async function slowBillingRuns(t: TestApp, seconds: number): Promise<() => Promise<void>> {
  await t.db.query(`
    CREATE OR REPLACE FUNCTION test_slow_billing() RETURNS trigger AS $$
    BEGIN
      PERFORM pg_sleep(${Number(seconds)});
      RETURN NULL;
    END $$ LANGUAGE plpgsql`);
  await t.db.query(`CREATE TRIGGER test_slow_billing BEFORE INSERT ON documents FOR EACH STATEMENT EXECUTE FUNCTION test_slow_billing()`);
  return async () => {
    await t.db.query(`DROP TRIGGER IF EXISTS test_slow_billing ON documents`);
  };
}

/** Polls `probe` until it answers something truthy. */
export async function eventually<T>(probe: () => Promise<T | undefined | false | null>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
