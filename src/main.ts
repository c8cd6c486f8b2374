import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import pino from 'pino';
import { createHttpApp, createWorkerContext } from './app.factory.js';
import { HttpDrain } from './common/http-drain.js';
import { AppConfig, ConfigError, loadConfig, type ProcessRole } from './config/app-config.js';
import { resolveDatabase } from './database/database-url.js';
import type { EmbeddedPostgres } from './database/embedded-postgres.js';
import { prepareDatabase } from './database/prepare.js';
import { resolveRedis } from './redis/local-redis.js';

const ROLES: ProcessRole[] = ['all', 'api', 'worker'];

/**
 * `node dist/src/main.js [all|api|worker]`: `all` (npm start) serves the API and runs the Bull worker
 * in one process; `api` and `worker` run them apart so several of each can share one Postgres and Redis.
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
  const log = pino({ level: config.logLevel, base: { role } });
  const started = Date.now();

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
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
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
