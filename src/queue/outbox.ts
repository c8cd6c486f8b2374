import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { withTimeout } from '../common/with-timeout.js';
import { AppConfig, DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from '../config/app-config.js';
import { RedisHealth } from '../redis/redis-health.js';
import { type JobLiveness, jobLiveness } from './job-liveness.js';
import { RepeatableJobs } from './repeatable.js';

/** One outbox row as the sweeper sees it. */
export interface OutboxEntry {
  id: string;
  /** The Bull job id of the row's current dispatch generation: deterministic, so adding it twice adds one job. */
  jobId: string;
  /** Whether its job is known to have been added (the row's enqueued_at is set). */
  enqueued: boolean;
}

/**
 * One kind of outbox (billing runs, safeguarding alerts, later notifications). Its rows are the truth and
 * a Bull job only the way a row gets executed: a row is written to PostgreSQL first (so work asked for
 * while Redis is down is kept), then its job is added. Each kind says which rows must have a live job,
 * how to add one, and what to do when a row's job is gone.
 */
export interface Outbox<E extends OutboxEntry = OutboxEntry> {
  /** Names the outbox in logs. */
  readonly name: string;
  readonly queue: Queue;
  /**
   * Rows that must have a live job (not yet enqueued, or enqueued and not finished), in id order: `limit`
   * of them after row `after` (the sweeper pages through all of them).
   */
  inFlight(limit: number, after?: string): Promise<E[]>;
  /** Row `id` if it is in flight. */
  find(id: string): Promise<E | undefined>;
  /** Adds the row's job and records that it is in Redis; rejects when Redis does not take it in time. */
  enqueue(entry: E): Promise<void>;
  /**
   * The row is in flight but its job will not run (missing from Redis, orphaned, or finished for good):
   * moves the row to a new dispatch generation (a new job id, since Bull will not add a job under an id
   * it still holds) and answers it, to be enqueued; or answers nothing when the row moved on meanwhile
   * or must not be dispatched again now (another process renewed it first, it is still being executed).
   */
  renew(entry: E, job: Exclude<JobLiveness, 'live'>): Promise<E | undefined>;
}

/** Rows read per query (a pass reads every in-flight row, page by page). */
const BATCH = 200;

type Outcome = 'live' | 'enqueued' | 'renewed' | 'left';

/**
 * The one outbox dispatcher, in every process (API and worker roles alike, so a run requested while Redis
 * was down is enqueued once Redis is back even where no worker runs): every OUTBOX_SWEEP_INTERVAL_MS it
 * makes sure each in-flight row of each outbox has a live Bull job — enqueuing rows that never got one,
 * renewing rows whose job Redis lost or that a dead worker left — and then has the repeatable jobs that
 * are missing registered again. Several processes sweeping at once is safe: job ids are deterministic and
 * renewing a row is a conditional update on the generation it read.
 */
@Injectable()
export class OutboxSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxSweeper');
  private readonly outboxes: Outbox[] = [];
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  /** When each kind of failure was last logged. */
  private readonly complaints = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly schedules: RepeatableJobs,
    private readonly redis: RedisHealth,
  ) {}

  /** Called by each outbox when its module starts. */
  register(outbox: Outbox): void {
    if (!this.outboxes.includes(outbox)) this.outboxes.push(outbox);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.outboxSweepIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
  }

  /** One pass over every outbox, then the schedules (a pass still going is joined, not doubled). */
  sweep(): Promise<void> {
    this.pass ??= this.sweepAll().finally(() => (this.pass = undefined));
    return this.pass;
  }

  /**
   * The request path: adds the row's job now. Never throws: when Redis does not take it in time (it is
   * down), the row waits for the next sweep.
   */
  async dispatch<E extends OutboxEntry>(outbox: Outbox<E>, entry: E): Promise<boolean> {
    try {
      await outbox.enqueue(entry);
      return true;
    } catch (error) {
      this.complain(error, `Could not enqueue ${outbox.name} now; the outbox sweeper will`);
      return false;
    }
  }

  /** Row `id` settled now by the same rule as a sweep (e.g. when Bull has just failed its job for good). */
  async reconcile<E extends OutboxEntry>(outbox: Outbox<E>, id: string): Promise<void> {
    try {
      const entry = await outbox.find(id);
      if (entry) await this.settle(outbox, entry);
    } catch (error) {
      this.complain(error, `Could not settle a row of ${outbox.name} now; the next sweep will`);
    }
  }

  private async sweepAll(): Promise<void> {
    for (const outbox of this.outboxes) {
      // Redis is away: nothing can be checked or added (the outage is logged once, by RedisHealth)
      if (outbox.queue.client.status !== 'ready') continue;
      try {
        await this.sweepOutbox(outbox);
      } catch (error) {
        this.complain(error, `Outbox sweep of ${outbox.name} failed; the next pass tries again`);
      }
    }
    try {
      await this.schedules.ensureAll();
    } catch (error) {
      this.complain(error, 'Could not check the repeatable jobs; the next pass tries again');
    }
  }

  private async sweepOutbox(outbox: Outbox): Promise<void> {
    const counts: Record<Outcome, number> = { live: 0, enqueued: 0, renewed: 0, left: 0 };
    for (let page = await outbox.inFlight(BATCH); page.length > 0; page = page.length < BATCH ? [] : await outbox.inFlight(BATCH, page.at(-1)!.id)) {
      for (const entry of page) counts[await this.settle(outbox, entry)] += 1;
    }
    if (counts.enqueued || counts.renewed) {
      this.logger.log({ outbox: outbox.name, enqueued: counts.enqueued, renewed: counts.renewed }, 'Outbox sweep dispatched rows whose job was not in Redis');
    }
  }

  /** Makes sure one in-flight row has a live job. */
  private async settle<E extends OutboxEntry>(outbox: Outbox<E>, entry: E): Promise<Outcome> {
    if (!entry.enqueued) {
      await outbox.enqueue(entry); // same job id as any earlier attempt: at most one job
      return 'enqueued';
    }
    const liveness = await withTimeout(jobLiveness(outbox.queue, entry.jobId), this.config.redisCommandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS, 'Redis');
    if (liveness === 'live') return 'live';
    const renewed = await outbox.renew(entry, liveness);
    if (!renewed) return 'left';
    await outbox.enqueue(renewed);
    return 'renewed';
  }

  /** While Redis is down, failures are part of its outage (logged once, by RedisHealth); others at most once per interval. */
  private complain(error: unknown, context: string): void {
    if (this.redis.down) {
      this.redis.commandFailed(error, context);
      return;
    }
    const now = Date.now();
    if (now - (this.complaints.get(context) ?? -Infinity) < this.config.outageLogIntervalMs) return;
    this.complaints.set(context, now);
    this.logger.warn({ reason: (error as Error)?.message ?? String(error) }, context);
  }
}
