import { InjectQueue, OnQueueFailed, OnQueueStalled, Process, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../config/app-config.js';
import { scheduleRepeatable } from '../queue/repeatable.js';
import { SAFEGUARDING_ALERTS_QUEUE, type SafeguardingAlertJobs } from './safeguarding-alerts.queue.js';
import { SafeguardingAlertsService } from './safeguarding-alerts.service.js';

/** Worker side: delivers alerts and, every SAFEGUARDING_DISPATCH_INTERVAL_SECONDS, queues the pending ones. */
@Processor(SAFEGUARDING_ALERTS_QUEUE)
export class SafeguardingAlertsProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(SafeguardingAlertsProcessor.name);

  constructor(
    private readonly alerts: SafeguardingAlertsService,
    @InjectQueue(SAFEGUARDING_ALERTS_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.safeguardingWebhook.url) return;
    await scheduleRepeatable(this.queue, 'dispatch-pending', { every: this.config.safeguardingWebhook.dispatchIntervalSeconds * 1000 });
  }

  @Process({ name: 'deliver', concurrency: 4 })
  async deliver(job: Job<SafeguardingAlertJobs['deliver']>): Promise<void> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await this.alerts.deliver(job.data.alertId, lastAttempt);
  }

  @Process('dispatch-pending')
  async dispatchPending(): Promise<number> {
    return this.alerts.dispatchPending();
  }

  @OnQueueFailed()
  onFailed(job: Job, error: Error): void {
    this.logger.warn({ job: job.name, jobId: job.id, attemptsMade: job.attemptsMade, reason: error.message }, 'Safeguarding alert job failed');
  }

  @OnQueueStalled()
  onStalled(job: Job): void {
    this.logger.warn({ job: job.name, jobId: job.id }, 'Safeguarding alert job stalled; Bull will run it again');
  }
}
