import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { conflict, notFound } from '../common/problem.js';
import { inTransaction } from '../database/transaction.js';
import { ProblemCode } from '../common/problem-codes.js';
import { NotificationRepository } from '../notifications/notification.repository.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { SessionResponse } from '../sessions/dto/session.dto.js';
import { SessionsService } from '../sessions/sessions.service.js';
import type { CancelSessionDto } from './dto/cancel-session.dto.js';
import { SessionCancellationRepository } from './session-cancellation.repository.js';

/**
 * Cancelling a session (API.md v1.1): its status becomes `cancelled` with the reason. From then on no
 * attendance is recorded for it (the attendance trigger), families are never charged for it and it
 * drops out of pro-rata counts (the SQL money rules count scheduled sessions only), and a make-up
 * session may replace it (POST /programmes/:id/sessions with replacesSessionId). The families of the
 * registered participants are told by email (session_cancelled, written in the same transaction).
 */
@Injectable()
export class SessionCancellationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cancellations: SessionCancellationRepository,
    private readonly sessions: SessionsService,
    private readonly notificationRows: NotificationRepository,
    private readonly notifications: NotificationsService,
  ) {}

  async cancel(sessionId: string, dto: CancelSessionDto, principal: Principal): Promise<SessionResponse> {
    const { outcome, notified } = await inTransaction(this.dataSource, async (em) => {
      const cancelled = await this.cancellations.cancel(em, { sessionId, reason: dto.reason, cancelledBy: principal.id });
      // each guardian (with an email) of each registered participant is told, in the same transaction
      return { outcome: cancelled, notified: cancelled === 'cancelled' ? await this.notificationRows.writeSessionCancelled(em, sessionId) : [] };
    });
    await this.notifications.dispatch(notified);
    if (outcome === 'not-found') throw notFound('session', sessionId);
    if (outcome === 'already-cancelled') throw conflict(ProblemCode.SessionAlreadyCancelled, `The session ${sessionId} is already cancelled`);
    return this.sessions.get(sessionId);
  }
}
