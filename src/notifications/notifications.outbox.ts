import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { withTimeout } from '../common/with-timeout.js';
import { AppConfig } from '../config/app-config.js';
import type { JobLiveness } from '../queue/job-liveness.js';
import { addJob } from '../queue/jobs.js';
import { type Outbox, type OutboxEntry, OutboxSweeper } from '../queue/outbox.js';
import { type InFlightNotification, NotificationRepository } from './notification.repository.js';
import { MAIL_QUEUE, notificationJobId } from './notifications.queue.js';

export type NotificationEntry = InFlightNotification & OutboxEntry;

const entryOf = (n: InFlightNotification): NotificationEntry => ({ ...n, jobId: notificationJobId(n.id, n.generation) });

/**
 * Notifications as the third outbox: a queued notification must have a live `send` job. One that never
 * got one (Redis was down after its event committed, or no SMTP_URL was configured then) is queued now;
 * one whose job Redis lost, or that Bull finished without the row recording an outcome (a dead worker,
 * another sender holding the row), gets a new job. Without SMTP_URL nothing is dispatched: rows wait,
 * visible as queued at GET /notifications, and are sent once SMTP_URL is configured.
 */
@Injectable()
export class NotificationsOutbox implements Outbox<NotificationEntry>, OnModuleInit {
  readonly name = 'notifications';
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly notifications: NotificationRepository,
    @InjectQueue(MAIL_QUEUE) readonly queue: Queue,
    private readonly sweeper: OutboxSweeper,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.sweeper.register(this);
  }

  async inFlight(limit: number, after?: string): Promise<NotificationEntry[]> {
    if (!this.config.mail.smtpUrl) return [];
    // Rows younger than this may still be being queued by the request that wrote them.
    const graceSeconds = this.config.mail.enqueueTimeoutMs / 1000 + 1;
    return (await this.notifications.inFlight(limit, graceSeconds, after ?? null)).map(entryOf);
  }

  async find(id: string): Promise<NotificationEntry | undefined> {
    if (!this.config.mail.smtpUrl) return undefined;
    const found = await this.notifications.findInFlight(id);
    return found && entryOf(found);
  }

  async enqueue(entry: NotificationEntry): Promise<void> {
    const { attempts, backoffMs, enqueueTimeoutMs } = this.config.mail;
    await withTimeout(
      addJob(this.queue, MAIL_QUEUE, 'send', { notificationId: entry.id, generation: entry.generation }, {
        jobId: entry.jobId,
        attempts,
        backoff: { type: 'exponential', delay: backoffMs },
        removeOnComplete: 1000,
        removeOnFail: false,
      }),
      enqueueTimeoutMs,
      'Redis',
    );
    await this.notifications.markEnqueued(entry.id, entry.generation);
  }

  async renew(entry: NotificationEntry, job: Exclude<JobLiveness, 'live'>): Promise<NotificationEntry | undefined> {
    const renewed = await this.notifications.renew(entry.id, entry.generation);
    if (renewed) this.logger.warn({ notificationId: entry.id, job }, 'Notification had no live job: queued again');
    return renewed && entryOf(renewed);
  }
}
