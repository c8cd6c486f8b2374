import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { LONDON } from '../../common/london-calendar.js';
import { withTimeout } from '../../common/with-timeout.js';
import { AppConfig } from '../../config/app-config.js';
import { addJob } from '../../queue/jobs.js';

export const BILLING_QUEUE = 'billing';

/** Job names and their payloads (ids only: the database holds the rest). */
export interface BillingJobs {
  /**
   * Execute one billing run (a row of billing_runs) for its dispatch generation; a job of an older
   * generation than the run's is ignored (jobs added before generations were carried have none).
   */
  run: { runId: string; generation?: number };
  /** The quarterly schedule: create and enqueue the previous quarter's run. */
  'schedule-quarter': Record<string, never>;
}

/** 02:00 Europe/London on the first day of January, April, July and October. */
export const QUARTERLY_SCHEDULE = { cron: '0 2 1 1,4,7,10 *', tz: LONDON } as const;
/** Fixed, so every worker registers the same repeatable job (Bull keys it by name, id, cron and zone). */
export const SCHEDULE_JOB_ID = 'billing-schedule-quarterly'; // no colons: Bull splits repeat keys on them

/**
 * The Bull job of a run's dispatch generation: deterministic, so enqueuing twice (the request and the
 * outbox sweeper, or two sweepers) adds one job; a retry, or the sweeper renewing a run whose job was
 * lost, bumps the generation to get a new one.
 */
export function runJobId(runId: string, generation: number): string {
  return generation === 0 ? `billing-run:${runId}` : `billing-run:${runId}:retry-${generation}`;
}

/** The producer side of the billing queue (every role): adds jobs, never waiting long for Redis. */
@Injectable()
export class BillingQueue {
  constructor(
    @InjectQueue(BILLING_QUEUE) readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  /** Adds the run's job for its dispatch generation; rejects when Redis does not answer in time. */
  async enqueueRun(runId: string, generation: number): Promise<void> {
    const options: JobOptions = {
      jobId: runJobId(runId, generation),
      attempts: this.config.billing.runAttempts,
      backoff: { type: 'exponential', delay: this.config.billing.runBackoffMs },
      removeOnComplete: 1000,
      removeOnFail: false,
    };
    await withTimeout(addJob(this.queue, BILLING_QUEUE, 'run', { runId, generation }, options), this.config.billing.enqueueTimeoutMs, 'Redis');
  }
}
