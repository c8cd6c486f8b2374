import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { RepeatableJobs } from '../../queue/repeatable.js';
import { BillingQueue, type BillingJobs, QUARTERLY_SCHEDULE, SCHEDULE_JOB_ID } from './billing-queue.js';

/**
 * Registers the quarterly repeatable job (02:00 Europe/London on 1 January, April, July and October: the
 * previous quarter's run) in the worker role, through the one registrar: Bull keys a repeatable job by
 * name, job id, cron and time zone, all fixed here, so however many workers start it exists once, and
 * the outbox sweeper registers it again if Redis loses it. BILLING_SCHEDULE=off removes it.
 */
@Injectable()
export class BillingSchedule implements OnApplicationBootstrap {
  constructor(
    private readonly billingQueue: BillingQueue,
    private readonly schedules: RepeatableJobs,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedules.register(this.billingQueue.queue, [
      {
        name: 'schedule-quarter' satisfies keyof BillingJobs,
        jobId: SCHEDULE_JOB_ID,
        schedule: this.config.billing.schedule ? { ...QUARTERLY_SCHEDULE } : null,
        options: { removeOnComplete: 100, removeOnFail: false },
      },
    ]);
  }
}
