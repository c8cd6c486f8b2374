import { OnQueueFailed, OnQueueStalled, Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { BILLING_QUEUE, type BillingJobs } from './billing-queue.js';
import { BillingRunsService } from './billing-runs.service.js';

/** The worker side of the billing queue (worker role only). */
@Processor(BILLING_QUEUE)
export class BillingRunProcessor {
  private readonly logger = new Logger('BillingWorker');

  constructor(private readonly runs: BillingRunsService) {}

  @Process({ name: 'run', concurrency: 1 })
  async run(job: Job<BillingJobs['run']>): Promise<void> {
    await this.runs.execute(job.data.runId);
  }

  @Process({ name: 'schedule-quarter', concurrency: 1 })
  async schedule(): Promise<void> {
    const run = await this.runs.scheduleQuarter();
    this.logger.log({ runId: run.id, quarter: run.quarter }, 'Scheduled quarterly billing run requested');
  }

  @OnQueueStalled()
  stalled(job: Job): void {
    this.logger.warn({ jobId: job.id, name: job.name, data: job.data }, 'Billing job stalled (its worker stopped renewing the lock); it will be processed again');
  }

  @OnQueueFailed()
  failed(job: Job, error: Error): void {
    const attempts = job.opts.attempts ?? 1;
    this.logger.error(
      { jobId: job.id, name: job.name, data: job.data, attemptsMade: job.attemptsMade, attempts, err: error?.message },
      job.attemptsMade >= attempts ? 'Billing job failed for good: POST /billing-runs/:id/retry queues it again' : 'Billing job failed; Bull retries it with backoff',
    );
  }
}
