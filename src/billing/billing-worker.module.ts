import { Module } from '@nestjs/common';
import { BillingModule } from './billing.module.js';
import { BillingRunProcessor } from './billing-run.processor.js';
import { BillingSchedule } from './billing-schedule.js';

/** Worker role only: executes billing runs and registers the quarterly schedule. */
@Module({
  imports: [BillingModule],
  providers: [BillingRunProcessor, BillingSchedule],
})
export class BillingWorkerModule {}
