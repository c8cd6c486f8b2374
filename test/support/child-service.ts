import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/**
 * The built service (`node dist/src/main.js`) as a child process, for what only a real process can
 * show: start-up, configuration errors, logs on stdout, signals. `npm test` builds dist/ first.
 */
export const ROOT = resolve(import.meta.dirname, '../..');
export const MAIN = resolve(ROOT, 'dist/src/main.js');

export interface ChildService {
  process: ChildProcess;
  port: number;
  baseUrl: string;
  /** Everything written so far. */
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Milliseconds from spawn until GET /health/ready answered 200. */
  waitUntilReady: (timeoutMs?: number) => Promise<number>;
  /** Resolves once stdout holds a line matching `pattern`. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export const randomToken = (label = 'child') => `${label}-${randomBytes(24).toString('hex')}`;

/**
 * Spawns the service with exactly `env` (plus PATH and HOME): nothing leaks in from the test
 * runner's environment, so leaving DATABASE_URL out really means the embedded database.
 */
export async function spawnService(
  env: Record<string, string>,
  args: string[] = [],
  options: { /** Instead of `node dist/src/main.js`, e.g. ['npm', 'start'] (run in the project's folder). */ command?: string[] } = {},
): Promise<ChildService> {
  const port = env.PORT !== undefined && /^\d+$/.test(env.PORT) ? Number(env.PORT) : await freePort();
  const started = Date.now();
  const [command, ...commandArgs] = options.command ?? [process.execPath, MAIN];
  const child = spawn(command, [...commandArgs, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.command ? { cwd: ROOT } : {}),
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const listeners: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    listeners.forEach((l) => l());
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      // let the pipes drain
      setTimeout(() => done({ code, signal }), 50);
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  let ended = false;
  void exited.then(() => {
    ended = true;
  });

  return {
    process: child,
    port,
    baseUrl,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitUntilReady(timeoutMs = 60_000) {
      const deadline = started + timeoutMs;
      while (Date.now() < deadline) {
        if (ended) throw new Error(`the service exited before it was ready:\n${stderr}\n${stdout.slice(-4000)}`);
        try {
          const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) });
          if (res.status === 200) return Date.now() - started;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`not ready within ${timeoutMs} ms:\n${stderr}\n${stdout.slice(-4000)}`);
    },
    waitForOutput(pattern, timeoutMs = 60_000) {
      return new Promise((done, fail) => {
        const check = () => {
          if (pattern.test(stdout)) {
            clearTimeout(timer);
            done();
          } else if (ended) {
            clearTimeout(timer);
            fail(new Error(`exited without printing ${pattern}:\n${stderr}\n${stdout.slice(-4000)}`));
          }
        };
        const timer = setTimeout(() => fail(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stdout.slice(-4000)}`)), timeoutMs);
        listeners.push(check);
        void exited.then(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!ended) child.kill(signal);
      return exited;
    },
  };
}

/** Kills whatever a test file left running (after a failure), by process id. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((done) => {
          child.once('exit', () => done());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Parsed JSON log lines of a stdout. */
export function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}
