import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComplianceDocumentEntity } from './compliance-document.entity.js';
import { ComplianceReminderEntity } from './compliance-reminder.entity.js';
import { ComplianceDocumentRepository } from './compliance-document.repository.js';
import { COMPLIANCE_QUEUE } from './compliance-queue.js';
import { ComplianceController } from './compliance.controller.js';
import { ComplianceService } from './compliance.service.js';

/** The compliance register, its status and reminders; the reminders' queue (its worker: ComplianceWorkerModule). */
@Module({
  imports: [TypeOrmModule.forFeature([ComplianceDocumentEntity, ComplianceReminderEntity]), BullModule.registerQueue({ name: COMPLIANCE_QUEUE })],
  controllers: [ComplianceController],
  providers: [ComplianceService, ComplianceDocumentRepository],
  exports: [ComplianceService, ComplianceDocumentRepository, BullModule],
})
export class ComplianceModule {}
