import { Module } from '@nestjs/common';
import { BillingModule } from './billing.module.js';
import { BillingRunProcessor } from './billing-run.processor.js';
import { BillingSchedule } from './billing-schedule.js';
import { CommitmentsProcessor } from './commitments.processor.js';

/** Worker role only: executes billing runs, registers the quarterly schedule and the daily settlement of ended terms' commitments. */
@Module({
  imports: [BillingModule],
  providers: [BillingRunProcessor, BillingSchedule, CommitmentsProcessor],
})
export class BillingWorkerModule {}
