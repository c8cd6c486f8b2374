import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConsentsModule } from '../consents/consents.module.js';
import { Attendance } from './attendance.entity.js';
import { AttendanceController } from './attendance.controller.js';
import { AttendanceService } from './attendance.service.js';

@Module({ imports: [TypeOrmModule.forFeature([Attendance]), ConsentsModule], controllers: [AttendanceController], providers: [AttendanceService] })
export class AttendanceModule {}
