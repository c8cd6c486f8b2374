import { Injectable, Logger, Optional } from '@nestjs/common';
import type { CronRepeatOptions, EveryRepeatOptions, JobOptions, Queue } from 'bull';
import { withTimeout } from '../common/with-timeout.js';
import { AppConfig, DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from '../config/app-config.js';
import { RedisHealth } from '../redis/redis-health.js';

/** When a repeatable job runs: a cron line in a time zone, or every so many milliseconds. */
export type Schedule = { cron: string; tz: string } | { every: number };

export interface RepeatableJob {
  name: string;
  /** null: the job must not be scheduled (switched off, or retired): any schedule of that name is removed. */
  schedule: Schedule | null;
  /** Part of Bull's repeat key; fixed, so every worker registers the same one (default: the name; no colons). */
  jobId?: string;
  /** Options of each run's job. */
  options?: Omit<JobOptions, 'repeat' | 'jobId'>;
}


interface Registered {
  queue: Queue;
  jobs: RepeatableJob[];
}

/**
 * The one registrar of repeatable jobs. Workers register their schedules at start; the outbox sweeper
 * calls ensureAll() on every pass, so schedules Redis lost (a flush, a restart without persistence) are
 * registered again without a restart. Bull keys a repeatable job by name, job id and schedule, and each
 * run's job id by that key and its time, so however many workers register the same schedule, each run
 * happens once. A schedule of the same name with other settings (a changed interval) is replaced.
 */
@Injectable()
export class RepeatableJobs {
  private readonly logger = new Logger('Schedules');
  private readonly registered = new Map<string, Registered>();

  constructor(
    private readonly redis: RedisHealth,
    @Optional() private readonly config?: AppConfig,
  ) {}

  private get timeoutMs(): number {
    return this.config?.redisCommandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS;
  }

  /**
   * Declares `queue`'s repeatable jobs and registers them now. Never throws: when Redis does not take
   * them, the failure is logged and the next sweep registers them.
   */
  async register(queue: Queue, jobs: RepeatableJob[]): Promise<void> {
    const declared = this.registered.get(queue.name)?.jobs.filter((j) => !jobs.some((job) => job.name === j.name)) ?? [];
    this.registered.set(queue.name, { queue, jobs: [...declared, ...jobs] });
    try {
      const added = await this.ensure(queue, jobs);
      for (const job of added) this.logger.log({ queue: queue.name, job: job.name, ...job.schedule }, 'Repeatable job registered');
    } catch (error) {
      this.redis.commandFailed(error, `Could not register the repeatable jobs of queue ${queue.name} yet; the next sweep will`);
    }
  }

  /** Every declared schedule checked; the names of those that were missing and have been registered again. */
  async ensureAll(): Promise<string[]> {
    const restored: string[] = [];
    for (const { queue, jobs } of this.registered.values()) {
      if (queue.client.status !== 'ready') continue; // Redis is away: the outage is logged once elsewhere
      const added = await this.ensure(queue, jobs);
      for (const job of added) {
        this.logger.warn({ queue: queue.name, job: job.name, ...job.schedule }, 'Repeatable job was missing from Redis: registered again');
        restored.push(`${queue.name}/${job.name}`);
      }
    }
    return restored;
  }

  /** Adds the missing schedules, removes those switched off or changed; answers what it added. */
  private async ensure(queue: Queue, jobs: RepeatableJob[]): Promise<RepeatableJob[]> {
    const existing = await withTimeout(queue.getRepeatableJobs(), this.timeoutMs, 'Redis');
    const added: RepeatableJob[] = [];
    for (const job of jobs) {
      const jobId = job.jobId ?? job.name;
      const same = (e: (typeof existing)[number]) => job.schedule !== null && e.id === jobId && sameSchedule(e, job.schedule);
      for (const stale of existing.filter((e) => e.name === job.name && !same(e))) {
        await withTimeout(queue.removeRepeatableByKey(stale.key), this.timeoutMs, 'Redis');
      }
      if (job.schedule && !existing.some((e) => e.name === job.name && same(e))) {
        const repeat: CronRepeatOptions | EveryRepeatOptions = job.schedule;
        await withTimeout(queue.add(job.name, {}, { ...job.options, repeat, jobId }), this.timeoutMs, 'Redis');
        added.push(job);
      }
    }
    return added;
  }
}

function sameSchedule(existing: { cron?: string | null; tz?: string | null; every?: number | null }, schedule: Schedule): boolean {
  return 'cron' in schedule ? existing.cron === schedule.cron && existing.tz === schedule.tz : Number(existing.every) === schedule.every;
}
