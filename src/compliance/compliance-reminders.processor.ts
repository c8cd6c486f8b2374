import { InjectQueue, OnQueueFailed, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { OnJob } from '../queue/jobs.js';
import { RepeatableJobs } from '../queue/repeatable.js';
import { COMPLIANCE_QUEUE, RAISE_REMINDERS_JOB, REMINDER_SCHEDULE } from './compliance-queue.js';
import { ComplianceService } from './compliance.service.js';

/**
 * Worker role: registers the daily expiry reminders through the one registrar (once, however many
 * workers start; again whenever the outbox sweeper finds it missing from Redis) and runs them. A run
 * twice at once, or retried, raises nothing twice: the reminders' primary key decides.
 */
@Processor(COMPLIANCE_QUEUE)
export class ComplianceRemindersProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('Compliance');

  constructor(
    private readonly compliance: ComplianceService,
    @InjectQueue(COMPLIANCE_QUEUE) private readonly queue: Queue,
    private readonly schedules: RepeatableJobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedules.register(this.queue, [
      {
        name: RAISE_REMINDERS_JOB,
        schedule: { ...REMINDER_SCHEDULE },
        options: { removeOnComplete: 100, removeOnFail: false, attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
      },
    ]);
  }

  @OnJob(COMPLIANCE_QUEUE, RAISE_REMINDERS_JOB, { concurrency: 1 })
  async raise(): Promise<number> {
    const raised = await this.compliance.raiseReminders();
    if (raised > 0) this.logger.log({ raised }, 'Compliance expiry reminders raised');
    return raised;
  }

  @OnQueueFailed()
  failed(job: Job, error: Error): void {
    this.logger.error({ job: job.name, jobId: job.id, attemptsMade: job.attemptsMade, err: error?.message }, 'Compliance reminders failed');
  }
}
