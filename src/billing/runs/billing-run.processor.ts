import { OnQueueFailed, OnQueueStalled, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { OnJob } from '../../queue/jobs.js';
import { OutboxSweeper } from '../../queue/outbox.js';
import { BILLING_QUEUE, type BillingJobs } from './billing-queue.js';
import { BillingRunsOutbox } from './billing-runs.outbox.js';
import { BillingRunsService } from './billing-runs.service.js';

/** The worker side of the billing queue (worker role only). */
@Processor(BILLING_QUEUE)
export class BillingRunProcessor {
  private readonly logger = new Logger('BillingWorker');

  constructor(
    private readonly runs: BillingRunsService,
    private readonly outbox: BillingRunsOutbox,
    private readonly sweeper: OutboxSweeper,
  ) {}

  @OnJob(BILLING_QUEUE, 'run', { concurrency: 1 })
  async run(job: Job<BillingJobs['run']>): Promise<void> {
    await this.runs.execute(job.data.runId, job.data.generation);
  }

  @OnJob(BILLING_QUEUE, 'schedule-quarter', { concurrency: 1 })
  async schedule(): Promise<void> {
    const run = await this.runs.scheduleQuarter();
    this.logger.log({ runId: run.id, quarter: run.quarter }, 'Scheduled quarterly billing run requested');
  }

  @OnQueueStalled()
  stalled(job: Job): void {
    this.logger.warn({ jobId: job.id, name: job.name, data: job.data }, 'Billing job stalled (its worker stopped renewing the lock); it will be processed again');
  }

  /**
   * Logs the failure; when Bull has given up on a run's job, the run is settled at once by the outbox
   * rule (a run its workers kept dying under goes back to the queue; one whose execution failed stays
   * failed, with its error) rather than at the next sweep.
   */
  @OnQueueFailed()
  async failed(job: Job, error: Error): Promise<void> {
    const attempts = job.opts.attempts ?? 1;
    const forGood = job.attemptsMade >= attempts || /stalled more than allowable limit/.test(error?.message ?? '');
    this.logger.error(
      { jobId: job.id, name: job.name, data: job.data, attemptsMade: job.attemptsMade, attempts, err: error?.message },
      forGood ? 'Billing job failed for good' : 'Billing job failed; Bull retries it with backoff',
    );
    if (forGood && job.name === ('run' satisfies keyof BillingJobs)) await this.sweeper.reconcile(this.outbox, (job.data as BillingJobs['run']).runId);
  }
}
