import { OnQueueFailed, OnQueueStalled, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { OnJob } from '../queue/jobs.js';
import { OutboxSweeper } from '../queue/outbox.js';
import { NotificationsOutbox } from './notifications.outbox.js';
import { MAIL_QUEUE, type MailJobs } from './notifications.queue.js';
import { NotificationsService } from './notifications.service.js';

/** Worker side: sends notifications (queuing the ones left waiting is the outbox sweeper's, in every process). */
@Processor(MAIL_QUEUE)
export class NotificationsProcessor {
  private readonly logger = new Logger(NotificationsProcessor.name);

  constructor(
    private readonly notifications: NotificationsService,
    private readonly outbox: NotificationsOutbox,
    private readonly sweeper: OutboxSweeper,
  ) {}

  @OnJob(MAIL_QUEUE, 'send', { concurrency: 4 })
  async send(job: Job<MailJobs['send']>): Promise<void> {
    await this.notifications.send(job.data.notificationId, job.data.generation);
  }

  /** Logs the failure; when Bull has given up on the job, the row is settled at once by the outbox rule. */
  @OnQueueFailed()
  async onFailed(job: Job, error: Error): Promise<void> {
    this.logger.warn({ job: job.name, jobId: job.id, attemptsMade: job.attemptsMade, reason: error.message }, 'Notification job failed');
    const forGood = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than allowable limit/.test(error?.message ?? '');
    if (forGood && job.name === 'send') await this.sweeper.reconcile(this.outbox, (job.data as MailJobs['send']).notificationId);
  }

  @OnQueueStalled()
  onStalled(job: Job): void {
    this.logger.warn({ job: job.name, jobId: job.id }, 'Notification job stalled; Bull will run it again');
  }
}
