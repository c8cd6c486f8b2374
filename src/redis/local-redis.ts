import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { assertRedisReachable } from './redis.js';

/**
 * A `redis-server` the service starts for itself in development, as it does PostgreSQL: only when
 * REDIS_URL is unset (config.embeddedRedis, never in production) and nothing answers on
 * 127.0.0.1:EMBEDDED_REDIS_PORT. Its data (snapshots) and log live in EMBEDDED_REDIS_DIR
 * (./.data/redis), kept between restarts. It is stopped when the process that started it exits.
 */
export class LocalRedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /**
   * Starts one and waits until it answers. Resolves undefined when another process started one on
   * that port meanwhile (then that one is used); rejects with one readable line otherwise.
   */
  static async start(options: { port: number; dir: string; ownProcessGroup?: boolean }): Promise<LocalRedisServer | undefined> {
    const dir = resolve(options.dir);
    mkdirSync(dir, { recursive: true });
    const url = `redis://127.0.0.1:${options.port}`;
    const child = spawn(
      'redis-server',
      [
        '--bind', '127.0.0.1',
        '--port', String(options.port),
        '--dir', dir,
        '--logfile', 'redis.log',
        '--daemonize', 'no',
        '--save', '60 1',
      ],
      // in its own process group (by default): Ctrl-C in a terminal reaches only the service, which
      // stops this server after Bull has let go of it. The test runner, which does not handle SIGINT,
      // keeps it in its group so that Ctrl-C stops it too.
      { cwd: dir, stdio: 'ignore', detached: options.ownProcessGroup ?? true },
    );
    const spawned = await new Promise<NodeJS.ErrnoException | undefined>((done) => {
      child.once('spawn', () => done(undefined));
      child.once('error', (error) => done(error));
    });
    if (spawned) {
      if (spawned.code === 'ENOENT') {
        throw new Error(
          `Redis is not reachable at ${url} and no redis-server is installed to start one: install Redis ` +
            `("apt-get install redis-server" on Debian or Ubuntu, "brew install redis" on macOS) and run the same command again, ` +
            `or start one with "docker compose up -d redis", or point REDIS_URL at yours.`,
        );
      }
      throw new Error(`Could not start redis-server for ${url}: ${spawned.message}`);
    }
    const server = new LocalRedisServer(child, url);
    // stopped whichever way this process ends: shutdown, a failed start (process.exit), a crash
    process.once('exit', server.stopNow);

    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (await answers(url)) {
        if (child.exitCode === null) return server;
        break;
      }
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    process.removeListener('exit', server.stopNow);
    server.stopNow();
    // it could not bind: maybe another process (a second `npm run start:api`) started one meanwhile
    if (await answers(url)) return undefined;
    throw new Error(
      `redis-server did not start on ${url} (exit code ${child.exitCode ?? 'none'}): see ${resolve(dir, 'redis.log')}`,
    );
  }

  /** Stops the server (SIGTERM: it writes its snapshot and exits) and waits until it has. */
  async stop(): Promise<void> {
    process.removeListener('exit', this.stopNow);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((done) => {
      const force = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      this.child.once('exit', () => {
        clearTimeout(force);
        done();
      });
      this.child.kill('SIGTERM');
    });
  }

  /** For process 'exit' handlers, which cannot wait. */
  readonly stopNow = (): void => {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  };
}

/**
 * The Redis to use: REDIS_URL, which must answer; or, with REDIS_URL unset, whatever answers on
 * 127.0.0.1:EMBEDDED_REDIS_PORT, else a redis-server started here (development only). `local` is the
 * server this process started, if any: the caller stops it (it is also stopped when the process exits).
 */
export async function resolveRedis(
  config: AppConfig,
  options: { ownProcessGroup?: boolean } = {},
): Promise<{ url: string; local?: LocalRedisServer }> {
  const url = config.redisUrl;
  if (!config.embeddedRedis || (await answers(url))) {
    await assertRedisReachable(url);
    return { url };
  }
  const local = await LocalRedisServer.start({ ...config.embeddedRedis, ...options });
  if (!local) await assertRedisReachable(url);
  return { url, local };
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
