import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SessionCancellationController } from './session-cancellation.controller.js';
import { SessionCancellationRepository } from './session-cancellation.repository.js';
import { SessionCancellationService } from './session-cancellation.service.js';

/** Cancelling sessions (the make-up session is created by the sessions module). */
@Module({
  imports: [SessionsModule, NotificationsModule],
  controllers: [SessionCancellationController],
  providers: [SessionCancellationService, SessionCancellationRepository],
})
export class SessionCancellationModule {}
