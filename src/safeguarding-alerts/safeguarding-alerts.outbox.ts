import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { withTimeout } from '../common/with-timeout.js';
import { AppConfig } from '../config/app-config.js';
import type { JobLiveness } from '../queue/job-liveness.js';
import { addJob } from '../queue/jobs.js';
import { type Outbox, type OutboxEntry, OutboxSweeper } from '../queue/outbox.js';
import { type InFlightAlert, SafeguardingAlertRepository } from './safeguarding-alert.repository.js';
import { alertJobId, SAFEGUARDING_ALERTS_QUEUE } from './safeguarding-alerts.queue.js';


export type AlertEntry = InFlightAlert & OutboxEntry;

const entryOf = (alert: InFlightAlert): AlertEntry => ({ ...alert, jobId: alertJobId(alert.id, alert.generation) });

/**
 * Safeguarding alerts as an outbox: an alert pending, queued or retrying must have a live Bull job. One
 * that never got one (Redis was down after the note's commit) is queued; one whose job Redis lost (a
 * delivery waiting out its backoff when Redis was flushed) or that Bull gave up on without the alert
 * recording an outcome (its workers kept dying) is pending again under a new job, and delivered.
 */
@Injectable()
export class SafeguardingAlertsOutbox implements Outbox<AlertEntry>, OnModuleInit {
  readonly name = 'safeguarding alerts';
  private readonly logger = new Logger('SafeguardingAlerts');

  constructor(
    private readonly alerts: SafeguardingAlertRepository,
    @InjectQueue(SAFEGUARDING_ALERTS_QUEUE) readonly queue: Queue,
    private readonly sweeper: OutboxSweeper,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.sweeper.register(this);
  }

  async inFlight(limit: number, after?: string): Promise<AlertEntry[]> {
    // Pending alerts younger than this may still be being queued by the request that wrote them.
    const graceSeconds = this.config.safeguardingWebhook.enqueueTimeoutMs / 1000 + 1;
    return (await this.alerts.inFlight(limit, graceSeconds, after ?? null)).map(entryOf);
  }

  async find(id: string): Promise<AlertEntry | undefined> {
    const alert = await this.alerts.findInFlight(id);
    return alert && entryOf(alert);
  }

  async enqueue(entry: AlertEntry): Promise<void> {
    const { attempts, backoffMs } = this.config.safeguardingWebhook;
    await withTimeout(
      addJob(this.queue, SAFEGUARDING_ALERTS_QUEUE, 'deliver', { alertId: entry.id, generation: entry.generation }, {
        jobId: entry.jobId,
        attempts,
        backoff: { type: 'exponential', delay: backoffMs },
        removeOnComplete: 1000,
        removeOnFail: false,
      }),
      this.config.safeguardingWebhook.enqueueTimeoutMs,
      'Redis',
    );
    await this.alerts.markEnqueued(entry.id, entry.generation);
  }

  async renew(entry: AlertEntry, job: Exclude<JobLiveness, 'live'>): Promise<AlertEntry | undefined> {
    const renewed = await this.alerts.renew(entry.id, entry.generation);
    if (renewed) this.logger.warn({ alertId: entry.id, status: entry.status, job }, 'Safeguarding alert had no live job: queued again');
    return renewed && entryOf(renewed);
  }
}
