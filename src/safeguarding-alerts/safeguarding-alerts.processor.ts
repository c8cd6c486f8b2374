import { InjectQueue, OnQueueFailed, OnQueueStalled, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { OnJob } from '../queue/jobs.js';
import { OutboxSweeper } from '../queue/outbox.js';
import { RepeatableJobs } from '../queue/repeatable.js';
import { SafeguardingAlertsOutbox } from './safeguarding-alerts.outbox.js';
import { RETIRED_JOBS, SAFEGUARDING_ALERTS_QUEUE, type SafeguardingAlertJobs } from './safeguarding-alerts.queue.js';
import { SafeguardingAlertsService } from './safeguarding-alerts.service.js';

/** Worker side: delivers alerts (queuing the ones left pending is the outbox sweeper's, in every process). */
@Processor(SAFEGUARDING_ALERTS_QUEUE)
export class SafeguardingAlertsProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(SafeguardingAlertsProcessor.name);

  constructor(
    private readonly alerts: SafeguardingAlertsService,
    private readonly outbox: SafeguardingAlertsOutbox,
    private readonly sweeper: OutboxSweeper,
    private readonly schedules: RepeatableJobs,
    @InjectQueue(SAFEGUARDING_ALERTS_QUEUE) private readonly queue: Queue,
  ) {}

  /** The periodic dispatch job of earlier versions is gone: take its schedule out of Redis. */
  async onApplicationBootstrap(): Promise<void> {
    await this.schedules.register(
      this.queue,
      RETIRED_JOBS.map((name) => ({ name, schedule: null })),
    );
  }

  @OnJob(SAFEGUARDING_ALERTS_QUEUE, 'deliver', { concurrency: 4 })
  async deliver(job: Job<SafeguardingAlertJobs['deliver']>): Promise<void> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await this.alerts.deliver(job.data.alertId, lastAttempt, job.data.generation);
  }

  /** Logs the failure; when Bull has given up on the job, the alert is settled at once by the outbox rule. */
  @OnQueueFailed()
  async onFailed(job: Job, error: Error): Promise<void> {
    this.logger.warn({ job: job.name, jobId: job.id, attemptsMade: job.attemptsMade, reason: error.message }, 'Safeguarding alert job failed');
    const forGood = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than allowable limit/.test(error?.message ?? '');
    if (forGood && job.name === 'deliver') await this.sweeper.reconcile(this.outbox, (job.data as SafeguardingAlertJobs['deliver']).alertId);
  }

  @OnQueueStalled()
  onStalled(job: Job): void {
    this.logger.warn({ job: job.name, jobId: job.id }, 'Safeguarding alert job stalled; Bull will run it again');
  }
}
