import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { type OutageLine, OutageLog } from '../common/outage-log.js';
import type { PostgresFailure } from '../common/outages.js';
import { ping } from './health.repository.js';

/** How often PostgreSQL is probed while it is down, to log (and know) when it is back. */
const PROBE_INTERVAL_MS = 1000;

/**
 * What the HTTP layer knows of PostgreSQL being down, and the only place that logs it: a line when an
 * outage starts, a reminder every OUTAGE_LOG_INTERVAL_SECONDS while requests keep being refused, a line
 * when it ends. Requests refused meanwhile are answered 503 with Retry-After, not logged one by one.
 * (Redis's outages are RedisHealth's, which watches every Redis connection of the process.)
 */
@Injectable()
export class DependencyMonitor implements OnApplicationShutdown {
  private readonly logger = new Logger('Dependencies');
  private readonly outage: OutageLog;
  private probing?: Promise<boolean>;
  private lastProbe?: { at: number; reachable: boolean };
  private watch?: NodeJS.Timeout;
  private lastBusyLine = 0;
  private busyRequests = 0;
  /** Made outside any request: the watcher's lines must not carry the id of the request that started it. */
  private readonly background = new AsyncResource('DependencyMonitor');

  constructor(private readonly config: AppConfig) {
    this.outage = new OutageLog('PostgreSQL', config.outageLogIntervalMs);
  }

  /**
   * A request failed with a PostgreSQL connection failure: is PostgreSQL down? A refused connection says so
   * at once; a connection lost under a query or a pool that gave no connection in time may be one ended
   * session or a busy pool on a healthy server, so a fresh connection outside the pool decides:
   * `down` (answer 503, the outage is logged), `busy` (the pool had no connection in time while PostgreSQL
   * answers: 503 too, logged at most once per interval) or `up` (an ordinary failure of this request).
   */
  async postgresState(failure: PostgresFailure, reason: string): Promise<'down' | 'busy' | 'up'> {
    if (failure !== 'unreachable' && !this.outage.failing && (await this.probePostgres())) {
      if (failure !== 'pool-timeout') return 'up';
      this.poolBusy();
      return 'busy';
    }
    this.log(this.outage.failure(reason), { dependency: 'postgres' });
    this.watchPostgres();
    return 'down';
  }

  private poolBusy(): void {
    this.busyRequests++;
    const now = Date.now();
    if (now - this.lastBusyLine < this.config.outageLogIntervalMs) return;
    this.logger.warn(
      { dependency: 'postgres', requests: this.busyRequests, poolSize: this.config.databasePoolSize, waitedMs: this.config.requestTimeoutMs },
      'No pooled PostgreSQL connection came free in time: answering 503',
    );
    this.lastBusyLine = now;
    this.busyRequests = 0;
  }

  onApplicationShutdown(): void {
    clearInterval(this.watch);
    this.watch = undefined;
  }

  private log(line: OutageLine | undefined, extra: Record<string, unknown> = {}): void {
    if (!line) return;
    if (line.level === 'warn') this.logger.warn({ ...line.fields, ...extra }, line.message);
    else this.logger.log({ ...line.fields, ...extra }, line.message);
  }

  /** While PostgreSQL is down, probe it every second, so that its return is logged even if no request comes. */
  private watchPostgres(): void {
    if (this.watch) return;
    this.watch = this.background.runInAsyncScope(() => setInterval(() => {
      void this.probePostgres(true).then((reachable) => {
        if (!reachable || !this.watch) return;
        clearInterval(this.watch);
        this.watch = undefined;
        this.log(this.outage.recovered(), { dependency: 'postgres' });
      });
    }, PROBE_INTERVAL_MS));
    this.watch.unref();
  }

  /** One probe at a time, and its answer reused for a second, however many requests ask. */
  private probePostgres(fresh = false): Promise<boolean> {
    if (this.probing) return this.probing;
    if (!fresh && this.lastProbe && Date.now() - this.lastProbe.at < PROBE_INTERVAL_MS) return Promise.resolve(this.lastProbe.reachable);
    this.probing = (async () => {
      const client = new pg.Client({
        connectionString: this.config.databaseUrl,
        connectionTimeoutMillis: this.config.healthCheckTimeoutMs,
        application_name: 'short-breaks-probe',
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await ping(client);
        return true;
      } catch {
        return false;
      } finally {
        void client.end().catch(() => undefined);
      }
    })().then((reachable) => {
      this.lastProbe = { at: Date.now(), reachable };
      this.probing = undefined;
      return reachable;
    });
    return this.probing;
  }
}
