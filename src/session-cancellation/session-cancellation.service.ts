import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { conflict, notFound } from '../common/problem.js';
import { inTransaction } from '../database/transaction.js';
import { ProblemCode } from '../common/problem-codes.js';
import type { SessionResponse } from '../sessions/dto/session.dto.js';
import { SessionsService } from '../sessions/sessions.service.js';
import type { CancelSessionDto } from './dto/cancel-session.dto.js';
import { SessionCancellationRepository } from './session-cancellation.repository.js';

/**
 * Cancelling a session (API.md v1.1): its status becomes `cancelled` with the reason. From then on no
 * attendance is recorded for it (the attendance trigger), families are never charged for it and it
 * drops out of pro-rata counts (the SQL money rules count scheduled sessions only), and a make-up
 * session may replace it (POST /programmes/:id/sessions with replacesSessionId).
 */
@Injectable()
export class SessionCancellationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cancellations: SessionCancellationRepository,
    private readonly sessions: SessionsService,
  ) {}

  async cancel(sessionId: string, dto: CancelSessionDto, principal: Principal): Promise<SessionResponse> {
    const outcome = await inTransaction(this.dataSource, (em) => this.cancellations.cancel(em, { sessionId, reason: dto.reason, cancelledBy: principal.id }));
    if (outcome === 'not-found') throw notFound('session', sessionId);
    if (outcome === 'already-cancelled') throw conflict(ProblemCode.SessionAlreadyCancelled, `The session ${sessionId} is already cancelled`);
    return this.sessions.get(sessionId);
  }
}
