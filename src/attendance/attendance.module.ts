import { Module } from '@nestjs/common';
import { ConsentsModule } from '../consents/consents.module.js';
import { AttendanceController } from './attendance.controller.js';
import { AttendanceService } from './attendance.service.js';

@Module({ imports: [ConsentsModule], controllers: [AttendanceController], providers: [AttendanceService] })
export class AttendanceModule {}
