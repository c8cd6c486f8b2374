import { Module } from '@nestjs/common';
import { SafeguardingAlertsModule } from './safeguarding-alerts.module.js';
import { SafeguardingAlertsProcessor } from './safeguarding-alerts.processor.js';

/** Loaded by the worker role only: consumes the safeguarding-alerts queue. */
@Module({
  imports: [SafeguardingAlertsModule],
  providers: [SafeguardingAlertsProcessor],
})
export class SafeguardingAlertsWorkerModule {}
