import { Module } from '@nestjs/common';
import { MonitoringReturnsController } from './monitoring-returns.controller.js';
import { MonitoringReturnsService } from './monitoring-returns.service.js';

/** Termly monitoring returns for commissioners (JSON, CSV, PDF). */
@Module({
  controllers: [MonitoringReturnsController],
  providers: [MonitoringReturnsService],
})
export class MonitoringReturnsModule {}
