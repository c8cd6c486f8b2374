import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BillingModule } from '../billing/billing.module.js';
import { Mailer } from './mailer.js';
import { Notification } from './notification.entity.js';
import { NotificationRepository } from './notification.repository.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsOutbox } from './notifications.outbox.js';
import { MAIL_QUEUE } from './notifications.queue.js';
import { NotificationsService } from './notifications.service.js';

/** Producer side (every role): the outbox rows' SQL, the mail queue, the outbox, and GET /notifications. */
@Module({
  imports: [TypeOrmModule.forFeature([Notification]), BullModule.registerQueue({ name: MAIL_QUEUE }), BillingModule],
  controllers: [NotificationsController],
  providers: [NotificationRepository, NotificationsOutbox, NotificationsService, Mailer],
  exports: [NotificationRepository, NotificationsService, NotificationsOutbox, BullModule],
})
export class NotificationsModule {}
