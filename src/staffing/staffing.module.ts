import { Module } from '@nestjs/common';
import { SessionStaffRepository } from './session-staff.repository.js';
import { StaffingController } from './staffing.controller.js';
import { StaffingService } from './staffing.service.js';

/** The rota of support workers on sessions, and session readiness. */
@Module({
  controllers: [StaffingController],
  providers: [StaffingService, SessionStaffRepository],
})
export class StaffingModule {}
