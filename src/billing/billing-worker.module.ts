import { Module } from '@nestjs/common';
import { BillingModule } from './billing.module.js';
import { BillingRunProcessor } from './runs/billing-run.processor.js';
import { BillingSchedule } from './runs/billing-schedule.js';
import { CommitmentsProcessor } from './commitments/commitments.processor.js';

/** Worker role only: executes billing runs, registers the quarterly schedule and the daily settlement of ended terms' commitments. */
@Module({
  imports: [BillingModule],
  providers: [BillingRunProcessor, BillingSchedule, CommitmentsProcessor],
})
export class BillingWorkerModule {}
