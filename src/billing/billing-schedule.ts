import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { BillingQueue, QUARTERLY_SCHEDULE } from './billing-queue.js';

/**
 * Registers the quarterly repeatable job (02:00 Europe/London on 1 January, April, July and October: the
 * previous quarter's run) in the worker role. Bull keys a repeatable job by name, job id, cron and time
 * zone, all fixed here, so however many workers start it exists once. BILLING_SCHEDULE=off removes it.
 */
@Injectable()
export class BillingSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger('BillingSchedule');

  constructor(
    private readonly billingQueue: BillingQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.billingQueue.setSchedule(this.config.billing.schedule);
      if (this.config.billing.schedule) this.logger.log({ ...QUARTERLY_SCHEDULE }, 'Quarterly billing schedule registered');
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'Could not register the quarterly billing schedule');
    }
  }
}
