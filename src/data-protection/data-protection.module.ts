import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { DataProtectionController } from './data-protection.controller.js';
import { DataProtectionService } from './data-protection.service.js';

/** Subject access exports and erasure (every role); the scheduled jobs are in DataProtectionWorkerModule. */
@Module({
  imports: [AuditModule],
  controllers: [DataProtectionController],
  providers: [DataProtectionService],
  exports: [DataProtectionService],
})
export class DataProtectionModule {}
