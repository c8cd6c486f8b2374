import { Module } from '@nestjs/common';
import { ComplianceRemindersProcessor } from './compliance-reminders.processor.js';
import { ComplianceModule } from './compliance.module.js';

/** Worker role only: registers and runs the daily compliance expiry reminders. */
@Module({
  imports: [ComplianceModule],
  providers: [ComplianceRemindersProcessor],
})
export class ComplianceWorkerModule {}
