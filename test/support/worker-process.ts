import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
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


/** The advisory lock key of the billing gate (a bigint key: apart from the quarters' two-int keys). */
const GATE_KEY = 4_711_000_001;

export interface BillingGate {
  /** How many billing transactions wait at the gate now. */
  waiting(): Promise<number>;
  /**
   * Lets the transactions waiting at the gate go on, then closes it again once every transaction that
   * went through has ended (a killed worker's transaction ends, rolled back, when its statement does).
   */
  flush(): Promise<void>;
  /** Opens the gate for good and takes it away: billing runs go through as usual. */
  remove(): Promise<void>;
}

/**
 * Stops every billing run inside its transaction, at its first INSERT into documents, until the drill
 * lets it go: a drill can see a run `running`, kill its worker there and know what the next worker finds,
 * however loaded the machine is (a sleep gave a window that a busy CI machine could miss). The gate is an
 * advisory lock the drill holds on a connection of its own; the trigger waits for it shared, so taking it
 * back waits for every transaction that went through.
 */
export async function gateBillingRuns(t: TestApp): Promise<BillingGate> {
  const holder = new pg.Client({ connectionString: t.databaseUrl });
  await holder.connect();
  await holder.query('SELECT pg_advisory_lock($1)', [GATE_KEY]);
  await t.db.query(`
    CREATE OR REPLACE FUNCTION test_billing_gate() RETURNS trigger AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock_shared(${GATE_KEY});
      RETURN NULL;
    END $$ LANGUAGE plpgsql`);
  await t.db.query(`CREATE TRIGGER test_billing_gate BEFORE INSERT ON documents FOR EACH STATEMENT EXECUTE FUNCTION test_billing_gate()`);
  let removed = false;
  const flush = async () => {
    await holder.query('SELECT pg_advisory_unlock($1)', [GATE_KEY]);
    await holder.query('SELECT pg_advisory_lock($1)', [GATE_KEY]);
  };
  return {
    async waiting() {
      const { rows } = await t.db.query(
        `SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
            AND ((classid::bigint << 32) | objid::bigint) = $1
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [GATE_KEY],
      );
      return rows[0].n;
    },
    flush,
    async remove() {
      if (removed) return;
      removed = true;
      // open for good first: dropping the trigger waits for every transaction that holds documents
      await holder.query('SELECT pg_advisory_unlock($1)', [GATE_KEY]);
      await holder.end();
      await t.db.query('DROP TRIGGER IF EXISTS test_billing_gate ON documents');
    },
  };
}
