import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SafeguardingAlert } from './safeguarding-alert.entity.js';
import { SafeguardingAlertRepository } from './safeguarding-alert.repository.js';
import { SafeguardingAlertsController } from './safeguarding-alerts.controller.js';
import { SafeguardingAlertsOutbox } from './safeguarding-alerts.outbox.js';
import { SAFEGUARDING_ALERTS_QUEUE } from './safeguarding-alerts.queue.js';
import { SafeguardingAlertsService } from './safeguarding-alerts.service.js';

/** Producer side (every role): the outbox, the queue, and GET /safeguarding-alerts. */
@Module({
  imports: [TypeOrmModule.forFeature([SafeguardingAlert]), BullModule.registerQueue({ name: SAFEGUARDING_ALERTS_QUEUE })],
  controllers: [SafeguardingAlertsController],
  providers: [SafeguardingAlertRepository, SafeguardingAlertsOutbox, SafeguardingAlertsService],
  exports: [SafeguardingAlertsService, SafeguardingAlertsOutbox, BullModule],
})
export class SafeguardingAlertsModule {}
