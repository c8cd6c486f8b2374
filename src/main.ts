import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import pino, { type Logger } from 'pino';
import { createHttpApp, createWorkerContext } from './app.factory.js';
import { HttpDrain } from './common/http-drain.js';
import { AppConfig, ConfigError, loadConfig, type ProcessRole } from './config/app-config.js';
import { resolveDatabase } from './database/database-url.js';
import type { EmbeddedPostgres } from './database/embedded-postgres.js';
import { prepareDatabase } from './database/prepare.js';
import { resolveRedis } from './redis/local-redis.js';

const ROLES: ProcessRole[] = ['all', 'api', 'worker'];

/**
 * `node dist/src/main.js [all|api|worker] [--workers N]`: `all` (npm start) serves the API and runs the
 * Bull worker in one process; `api` and `worker` run them apart so several of each can share one Postgres
 * and Redis. `api --workers N` (or API_WORKERS=N) runs N API processes on one port (node:cluster): this
 * process prepares the database, forks them, passes SIGTERM and SIGINT on, and exits once they all have.
 */
async function main(): Promise<void> {
  const role = (process.argv[2] ?? 'all') as ProcessRole;
  if (!ROLES.includes(role)) fail(`Unknown role "${role}": use one of ${ROLES.join(', ')}`);

  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    fail(error instanceof ConfigError ? error.message : String(error));
  }
  const workers = workersOption(process.argv.slice(3)) ?? config.apiWorkers;
  if (workers > 1 && role !== 'api') fail(`--workers and API_WORKERS apply to the api role only (not "${role}")`);
  const log = pino({ level: config.logLevel, base: { role, pid: process.pid } });
  const started = Date.now();

  // a process of a cluster: the primary has prepared the database and passed its URLs on
  if (cluster.isWorker) return serve(config, role, log, started, undefined);

  try {
    // REDIS_URL unset (development): a redis-server is started if none answers; it stops when this
    // process exits, whichever way
    const redis = await resolveRedis(config);
    if (redis.local) log.info({ redis: redis.url, dir: config.embeddedRedis?.dir }, 'Started a local Redis (REDIS_URL is not set)');
  } catch (error) {
    fail((error as Error).message);
  }

  let embedded: EmbeddedPostgres | undefined;
  try {
    const database = await resolveDatabase(config, (line) => log.debug({ postgres: line }));
    config = database.config;
    embedded = database.embedded;
    if (embedded) log.info('Using the embedded PostgreSQL (DATABASE_URL is not set)');
    const prepared = await prepareDatabase(config.databaseUrl!, config.bootstrapAdminToken);
    if (prepared.appliedMigrations.length) log.info({ migrations: prepared.appliedMigrations }, 'Applied migrations');
    if (prepared.createdBootstrapAdmin) log.info('Created the bootstrap administrator from BOOTSTRAP_ADMIN_TOKEN');
    if (!prepared.administratorExists) {
      log.warn(
        'No administrator exists, so nobody can create users or integration keys: run ' +
          '"npm run admin:create -- --email you@example.org" (in the Docker image: "node dist/src/users/admin-cli.js --email ..."), ' +
          'which prints an administrator token once, or restart with BOOTSTRAP_ADMIN_TOKEN set to a secret of 32 or more characters',
      );
    }
  } catch (error) {
    await embedded?.stop();
    fail(`Could not prepare the database: ${(error as Error).message}`);
  }

  if (workers > 1) return runCluster(config, workers, log, embedded);
  return serve(config, role, log, started, embedded);
}

/** Serves the role in this process until SIGTERM or SIGINT, then drains and exits. */
async function serve(config: AppConfig, role: ProcessRole, log: Logger, started: number, embedded: EmbeddedPostgres | undefined): Promise<void> {
  let app: INestApplicationContext;
  let drain: HttpDrain | undefined;
  if (role === 'worker') {
    app = await createWorkerContext(config);
    await app.init();
  } else {
    const http = await createHttpApp(config, role);
    drain = new HttpDrain(http.getHttpServer() as Server);
    await listenOnEveryInterface(http, config.port);
    app = http;
  }
  log.info({ port: role === 'worker' ? undefined : config.port, startupMs: Date.now() - started }, `Started (${role})`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Shutting down: finishing in-flight work');
    const force = setTimeout(() => {
      log.error('Shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    try {
      if (drain) {
        // HTTP first, while the database and Redis are still there for the requests in flight; what is
        // left of SHUTDOWN_TIMEOUT_MS after the HTTP deadline is for closing the rest
        const { cut, refused, ms } = await drain.drain({
          graceMs: Math.min(1000, config.shutdownTimeoutMs / 4),
          deadlineMs: config.shutdownTimeoutMs - Math.min(3000, config.shutdownTimeoutMs / 3),
        });
        (cut ? log.warn.bind(log) : log.info.bind(log))({ ms, cut, refused }, cut ? 'HTTP drained; requests cut at the deadline' : 'HTTP drained');
      }
      await app.close();
      await embedded?.stop();
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'Error while shutting down');
      process.exit(1);
    }
  };
  // kept listening: a repeated signal (Ctrl-C reaches a cluster's processes from the terminal and from
  // their primary) must not end a shutdown under way
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** `--workers N` or `--workers=N` among the arguments, if given. */
function workersOption(args: string[]): number | undefined {
  const at = args.findIndex((arg) => arg === '--workers' || arg.startsWith('--workers='));
  if (at < 0) return undefined;
  const value = args[at].includes('=') ? args[at].slice('--workers='.length) : args[at + 1];
  if (!/^\d+$/.test(value ?? '') || Number(value) < 1 || Number(value) > 64) fail('--workers takes a number of processes from 1 to 64');
  return Number(value);
}

/**
 * The primary of `api --workers N`: forks N API processes, which share PORT (Node's cluster hands each
 * new connection to one of them in turn), with the database and Redis URLs this process resolved (so an
 * embedded PostgreSQL or local Redis is started once, here). A process that dies is replaced, unless it
 * died within 10 s of starting (a start that fails would fail again): then all are stopped and this one
 * exits 1. SIGTERM or SIGINT is passed to every process; this one exits once they all have (0 when each
 * exited 0), or at SHUTDOWN_TIMEOUT_MS plus a second, killing those left.
 */
function runCluster(config: AppConfig, workers: number, log: Logger, embedded: EmbeddedPostgres | undefined): void {
  const env = { DATABASE_URL: config.databaseUrl!, REDIS_URL: config.redisUrl };
  const startedAt = new Map<Worker, number>();
  let stopping = false;
  let failed = false;
  const fork = () => startedAt.set(cluster.fork(env), Date.now());
  const finish = async () => {
    await embedded?.stop();
    process.exit(failed ? 1 : 0);
  };
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: startedAt.size }, 'Stopping the API processes');
    for (const worker of startedAt.keys()) worker.process.kill(signal === 'SIGINT' ? 'SIGTERM' : signal);
    const force = setTimeout(() => {
      log.error('API processes took too long to stop; killing them');
      for (const worker of startedAt.keys()) worker.process.kill('SIGKILL');
      failed = true;
    }, config.shutdownTimeoutMs + 1000);
    force.unref();
    if (startedAt.size === 0) void finish();
  };
  cluster.on('exit', (worker, code, signal) => {
    const began = startedAt.get(worker) ?? 0;
    startedAt.delete(worker);
    if (code !== 0) failed ||= stopping;
    if (stopping) {
      if (startedAt.size === 0) void finish();
      return;
    }
    if (Date.now() - began < 10_000) {
      log.error({ pid: worker.process.pid, code, signal }, 'An API process failed to start; stopping the others');
      failed = true;
      stop('SIGTERM');
      return;
    }
    log.error({ pid: worker.process.pid, code, signal }, 'An API process died; starting another');
    fork();
  });
  for (let i = 0; i < workers; i++) fork();
  log.info({ workers, port: config.port }, `Started ${workers} API processes`);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Listens as Node does by default (every IPv6 and IPv4 address), or on every IPv4 one where IPv6 is off. */
async function listenOnEveryInterface(http: NestFastifyApplication, port: number): Promise<void> {
  try {
    await http.listen({ port, host: '::' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw error;
    await http.listen({ port, host: '0.0.0.0' });
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

void main().catch((error) => {
  process.stderr.write(`Failed to start: ${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
