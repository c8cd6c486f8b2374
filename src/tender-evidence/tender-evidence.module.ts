import { Module } from '@nestjs/common';
import { TenderEvidenceController } from './tender-evidence.controller.js';
import { TenderEvidenceService } from './tender-evidence.service.js';

/** The tender evidence pack (JSON, PDF): what the service holds for each selection criterion. */
@Module({
  controllers: [TenderEvidenceController],
  providers: [TenderEvidenceService],
})
export class TenderEvidenceModule {}
