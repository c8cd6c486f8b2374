import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { SafeguardingAlertsModule } from '../safeguarding-alerts/safeguarding-alerts.module.js';
import { CaseNote } from './case-note.entity.js';
import { CaseNoteVersion } from './case-note-version.entity.js';
import { CaseNotesController } from './case-notes.controller.js';
import { CaseNotesService } from './case-notes.service.js';
import { IdempotencyKeyEntity } from './idempotency-key.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([CaseNote, CaseNoteVersion, IdempotencyKeyEntity]), AuditModule, SafeguardingAlertsModule],
  controllers: [CaseNotesController],
  providers: [CaseNotesService],
})
export class CaseNotesModule {}
