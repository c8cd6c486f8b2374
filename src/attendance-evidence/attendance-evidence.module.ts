import { Module } from '@nestjs/common';
import { AttendanceEvidenceController } from './attendance-evidence.controller.js';
import { AttendanceEvidenceRepository } from './attendance-evidence.repository.js';
import { AttendanceEvidenceService } from './attendance-evidence.service.js';

/** Attendance evidence: a programme-term's summary and an invoice's evidence (reads only). */
@Module({
  controllers: [AttendanceEvidenceController],
  providers: [AttendanceEvidenceService, AttendanceEvidenceRepository],
})
export class AttendanceEvidenceModule {}
