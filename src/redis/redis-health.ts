import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import Bull, { type Queue } from 'bull';
import type { Redis } from 'ioredis';
import { OutageLog, type OutageLine } from '../common/outage-log.js';
import { AppConfig } from '../config/app-config.js';
import { isConnectionError, redactUrl } from './redis.js';

/** How often, while Redis is down, the clients are checked for being connected again. */
const RECOVERY_CHECK_MS = 500;

const reasonOf = (error: unknown): string => (error as Error)?.message ?? String(error);

/**
 * Redis as one dependency of the process, however many connections reach it: the service's own client
 * (health, rate limits) and every Bull queue's connections (client, subscriber and blocking client). An
 * outage is logged as "Redis unreachable" once, a reminder at most every OUTAGE_LOG_INTERVAL_SECONDS,
 * and "Redis is back" once every connection is up again — not once per reconnection attempt of each
 * connection, nor once per request that could not use Redis. Every client has an error listener, so
 * ioredis never prints "Unhandled error event".
 */
@Injectable()
export class RedisHealth implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private readonly outage: OutageLog;
  private readonly clients = new Set<Redis>();
  private readonly queues = new Set<Queue>();
  /** When each kind of failed command was last logged (failures that are not an outage). */
  private readonly complaints = new Map<string, number>();
  private recoveryCheck?: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
  ) {
    this.outage = new OutageLog('Redis', config.outageLogIntervalMs);
  }

  /** Watches every Bull queue of the application (their connections report through the queue). */
  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (wrapper.instance instanceof Bull) this.watchQueue(wrapper.instance as Queue);
    }
  }

  beforeApplicationShutdown(): void {
    this.closing = true; // connections closing now are not an outage
    clearInterval(this.recoveryCheck);
  }

  /** Whether Redis is known to be unreachable right now. */
  get down(): boolean {
    return this.outage.failing;
  }

  /** A client the service opened itself. */
  watch(client: Redis): void {
    this.clients.add(client);
    client.on('error', (error: Error) => this.connectionFailed(error));
    client.on('ready', () => this.checkRecovered());
  }

  /** A Bull queue: Bull re-emits its connections' errors, and its own, as the queue's `error` events. */
  watchQueue(queue: Queue): void {
    if (this.queues.has(queue)) return;
    this.queues.add(queue);
    queue.on('error', (error: Error) => this.commandFailed(error, `Queue ${queue.name}: Redis command failed`));
  }

  /**
   * A Redis command that failed (a job that could not be added, a count not taken): part of the outage
   * when Redis is unreachable, otherwise logged — at most once per `context` per interval.
   */
  commandFailed(error: unknown, context: string): void {
    if (this.outage.failing || isConnectionError(error)) {
      this.connectionFailed(error);
      return;
    }
    if (this.closing) return;
    const now = Date.now();
    if (now - (this.complaints.get(context) ?? -Infinity) < this.config.outageLogIntervalMs) return;
    this.complaints.set(context, now);
    this.logger.warn({ reason: reasonOf(error) }, context);
  }

  private connectionFailed(error: unknown): void {
    if (this.closing) return;
    const line = this.outage.failure(reasonOf(error));
    if (line) this.write(line, { url: redactUrl(this.config.redisUrl) });
    if (!this.recoveryCheck) {
      this.recoveryCheck = setInterval(() => this.checkRecovered(), RECOVERY_CHECK_MS);
      this.recoveryCheck.unref();
    }
  }

  /** Redis is back once every connection of the process is ready again. */
  private checkRecovered(): void {
    if (!this.outage.failing || this.closing) return;
    const connections = [...this.clients, ...[...this.queues].flatMap((queue) => queue.clients)];
    if (!connections.every((client) => ['ready', 'wait', 'end'].includes(client.status))) return;
    clearInterval(this.recoveryCheck);
    this.recoveryCheck = undefined;
    const line = this.outage.recovered();
    if (line) this.write(line);
  }

  private write(line: OutageLine, extra: Record<string, unknown> = {}): void {
    if (line.level === 'warn') this.logger.warn({ ...line.fields, ...extra }, line.message);
    else this.logger.log({ ...line.fields, ...extra }, line.message);
  }
}
