import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ConsentsModule } from '../consents/consents.module.js';
import { DataProtectionController } from './data-protection.controller.js';
import { DATA_PROTECTION_QUEUE } from './data-protection.queue.js';
import { DataProtectionService } from './data-protection.service.js';

/**
 * Subject access exports and erasure, and the data-protection queue (every role, so the queue board of
 * an API-only process shows it too); the scheduled jobs are in DataProtectionWorkerModule.
 */
@Module({
  imports: [AuditModule, ConsentsModule, BullModule.registerQueue({ name: DATA_PROTECTION_QUEUE })],
  controllers: [DataProtectionController],
  providers: [DataProtectionService],
  exports: [DataProtectionService, BullModule],
})
export class DataProtectionModule {}
