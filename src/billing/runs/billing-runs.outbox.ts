import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../config/app-config.js';
import type { JobLiveness } from '../../queue/job-liveness.js';
import { type Outbox, type OutboxEntry, OutboxSweeper } from '../../queue/outbox.js';
import { BillingQueue, runJobId } from './billing-queue.js';
import { BillingRunRepository, type InFlightRun } from './billing-run.repository.js';

export type BillingRunEntry = InFlightRun & OutboxEntry;

const entryOf = (run: InFlightRun): BillingRunEntry => ({ ...run, jobId: runJobId(run.id, run.generation) });

/**
 * Billing runs as an outbox. A queued or running run must have a live Bull job. When its job will not run:
 * - a queued run gets a new job (the next generation);
 * - a running run whose job is gone (Redis lost it) or left behind by a dead worker (orphaned, or failed
 *   by Bull as "stalled more than allowable limit") goes back to `queued` with a new job once it started
 *   more than BULL_LOCK_DURATION_MS ago and nobody holds its quarter's lock (see
 *   BillingRunRepository.requeueInterrupted for why running it again is safe) — at most
 *   BILLING_RUN_ATTEMPTS times; after that it is `failed` and waits for POST /billing-runs/:id/retry.
 * A run whose own execution failed (an error, on every one of Bull's attempts) is `failed` with the
 * error; that is not a lost job, and the sweeper leaves it alone.
 */
@Injectable()
export class BillingRunsOutbox implements Outbox<BillingRunEntry>, OnModuleInit {
  readonly name = 'billing runs';
  private readonly logger = new Logger('BillingRuns');

  constructor(
    private readonly runs: BillingRunRepository,
    private readonly billingQueue: BillingQueue,
    private readonly sweeper: OutboxSweeper,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.sweeper.register(this);
  }

  get queue(): Queue {
    return this.billingQueue.queue;
  }

  async inFlight(limit: number, after?: string): Promise<BillingRunEntry[]> {
    return (await this.runs.inFlight(limit, after ?? null)).map(entryOf);
  }

  async find(id: string): Promise<BillingRunEntry | undefined> {
    const run = await this.runs.findInFlight(id);
    return run && entryOf(run);
  }

  async enqueue(entry: BillingRunEntry): Promise<void> {
    await this.billingQueue.enqueueRun(entry.id, entry.generation);
    await this.runs.markEnqueued(entry.id, entry.generation);
  }

  async renew(entry: BillingRunEntry, job: Exclude<JobLiveness, 'live'>): Promise<BillingRunEntry | undefined> {
    if (entry.status === 'queued') {
      const renewed = await this.runs.renewQueued(entry.id, entry.generation);
      if (renewed) this.logger.warn({ runId: entry.id, quarter: entry.quarter, job }, 'Queued billing run had no live job: queued again');
      return renewed && entryOf(renewed);
    }
    const outcome = await this.runs.requeueInterrupted(entry.id, entry.generation, {
      startedBeforeMs: this.config.bullLockDurationMs,
      maxRecoveries: this.config.billing.runAttempts,
      failure: (times) =>
        `Interrupted ${times} times without completing (its worker stopped, or Redis lost its job): POST /billing-runs/${entry.id}/retry runs it again`,
    });
    if (outcome.outcome === 'requeued') {
      this.logger.warn({ runId: entry.id, quarter: entry.quarter, job, recoveries: outcome.recoveries }, 'Billing run lost its job while running (rolled back): back in the queue');
      return entryOf(outcome.run);
    }
    if (outcome.outcome === 'failed') {
      this.logger.error({ runId: entry.id, quarter: entry.quarter, job, recoveries: outcome.recoveries }, 'Billing run interrupted too many times: marked failed');
    }
    return undefined;
  }
}
