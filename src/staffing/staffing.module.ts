import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionStaff } from './session-staff.entity.js';
import { SessionStaffRepository } from './session-staff.repository.js';
import { StaffingController } from './staffing.controller.js';
import { StaffingService } from './staffing.service.js';

/** The rota of support workers on sessions, and session readiness. */
@Module({
  imports: [TypeOrmModule.forFeature([SessionStaff])],
  controllers: [StaffingController],
  providers: [StaffingService, SessionStaffRepository],
})
export class StaffingModule {}
