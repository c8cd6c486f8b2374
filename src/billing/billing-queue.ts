import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { AppConfig } from '../config/app-config.js';
import { LONDON } from '../common/london-calendar.js';

export const BILLING_QUEUE = 'billing';

/** Job names and their payloads (ids only: the database holds the rest). */
export interface BillingJobs {
  /** Execute one billing run (a row of billing_runs). */
  run: { runId: string };
  /** The quarterly schedule: create and enqueue the previous quarter's run. */
  'schedule-quarter': Record<string, never>;
}
export type BillingJobName = keyof BillingJobs;

/** 02:00 Europe/London on the first day of January, April, July and October. */
export const QUARTERLY_SCHEDULE = { cron: '0 2 1 1,4,7,10 *', tz: LONDON } as const;
/** Fixed, so every worker registers the same repeatable job (Bull keys it by name, id, cron and zone). */
export const SCHEDULE_JOB_ID = 'billing-schedule-quarterly'; // no colons: Bull splits repeat keys on them

/**
 * The Bull job of a run's dispatch generation: deterministic, so enqueuing twice (the request and the
 * outbox dispatcher, or two dispatchers) adds one job; a retry bumps the generation to get a new one.
 */
export function runJobId(runId: string, generation: number): string {
  return generation === 0 ? `billing-run:${runId}` : `billing-run:${runId}:retry-${generation}`;
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  work.catch(() => undefined); // a late failure after the timeout must not go unhandled
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The producer side of the billing queue (every role): adds jobs, never waiting long for Redis. */
@Injectable()
export class BillingQueue {
  private readonly logger = new Logger('BillingQueue');

  constructor(
    @InjectQueue(BILLING_QUEUE) readonly queue: Queue,
    private readonly config: AppConfig,
  ) {
    // Without a listener an 'error' event (Redis gone) would throw out of ioredis and end the process.
    queue.on('error', (error: Error) => this.logger.warn(`Billing queue: ${error.message}`));
  }

  /** Adds the run's job for its dispatch generation; rejects when Redis does not answer in time. */
  async enqueueRun(runId: string, generation: number): Promise<void> {
    const options: JobOptions = {
      jobId: runJobId(runId, generation),
      attempts: this.config.billing.runAttempts,
      backoff: { type: 'exponential', delay: this.config.billing.runBackoffMs },
      removeOnComplete: 1000,
      removeOnFail: false,
    };
    const payload: BillingJobs['run'] = { runId };
    await withTimeout(this.queue.add('run', payload, options), this.config.billing.enqueueTimeoutMs, 'Redis');
  }

  /** Registers the quarterly repeatable job once (idempotent: a fixed repeat key), or removes it. */
  async setSchedule(enabled: boolean): Promise<void> {
    const repeat = { ...QUARTERLY_SCHEDULE };
    const timeout = this.config.billing.enqueueTimeoutMs * 5;
    if (enabled) {
      await withTimeout(this.queue.add('schedule-quarter', {}, { repeat, jobId: SCHEDULE_JOB_ID, removeOnComplete: 100, removeOnFail: false }), timeout, 'Redis');
    } else {
      await withTimeout(this.queue.removeRepeatable('schedule-quarter', { ...repeat, jobId: SCHEDULE_JOB_ID }), timeout, 'Redis');
    }
  }
}
