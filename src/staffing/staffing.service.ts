import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { forbidden, notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { inTransaction } from '../database/transaction.js';
import { ProblemCode } from '../common/problem-codes.js';
import type { ReadinessResponse, RosteredStaffResponse, SessionStaffResponse } from './dto/staffing.dto.js';
import { staffNeeded } from './readiness.js';
import { SessionStaffRepository } from './session-staff.repository.js';

/**
 * The rota and session readiness (DOMAIN rule 15). Rostering locks the support worker's user row
 * first — the lock every change to their compliance documents takes first — then reads their current
 * DBS check, so a concurrent expiry edit runs wholly before (and rostering sees it) or wholly after (and
 * the edit is refused while it would leave this session uncovered).
 */
@Injectable()
export class StaffingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly staff: SessionStaffRepository,
  ) {}

  async roster(sessionId: string, userId: string, principal: Principal): Promise<RosteredStaffResponse> {
    await inTransaction(this.dataSource, async (em) => {
      const session = await this.staff.session(em, sessionId, { lock: true });
      if (!session) throw notFound('session', sessionId);
      if (session.status === 'cancelled') throw ruleBroken(ProblemCode.SessionCancelled, 'The session is cancelled');
      const user = await this.staff.lockUserWithDbs(em, userId, session.date);
      if (!user) throw notFound('user', userId);
      if (user.role !== 'support_worker') throw ruleBrokenOn(ProblemCode.NotASupportWorker, 'userId', 'only support workers are rostered on sessions');
      if (!user.dbs?.covers) {
        throw ruleBrokenOn(
          ProblemCode.DbsCheckRequired,
          'userId',
          user.dbs ? `their DBS check is not valid on ${session.date} (expires ${user.dbs.expiresOn})` : 'they have no DBS check on record',
        );
      }
      await this.staff.roster(em, { sessionId, userId, rosteredBy: principal.id });
    });
    const entry = (await this.staff.staff(this.dataSource.manager, sessionId)).find((s) => s.userId === userId)!;
    return { sessionId, userId, name: entry.name, rosteredAt: entry.rosteredAt.toISOString() };
  }

  async unroster(sessionId: string, userId: string): Promise<void> {
    if (!(await this.staff.session(this.dataSource.manager, sessionId))) throw notFound('session', sessionId);
    if (!(await this.staff.unroster(this.dataSource.manager, sessionId, userId))) throw notFound('rostering of that user on this session');
  }

  async list(sessionId: string, principal: Principal): Promise<SessionStaffResponse> {
    await this.requireAccess(sessionId, principal);
    const staff = await this.staff.staff(this.dataSource.manager, sessionId);
    return { items: staff.map((s) => ({ sessionId, userId: s.userId, name: s.name, rosteredAt: s.rosteredAt.toISOString() })), nextCursor: null };
  }

  async readiness(sessionId: string, principal: Principal): Promise<ReadinessResponse> {
    const session = await this.requireAccess(sessionId, principal);
    const sql = this.dataSource.manager;
    const needed = staffNeeded(await this.staff.supportLevels(sql, sessionId), session.groupRatio);
    const rostered = (await this.staff.staff(sql, sessionId)).length;
    const missingConsents = session.offSite
      ? (await this.staff.withoutConsent(sql, sessionId, 'off_site_trips')).map((participantId) => ({ participantId, purpose: 'off_site_trips' }))
      : [];
    const expiredDocuments = await this.staff.expiredDocuments(sql, sessionId);
    const shortfall = Math.max(0, needed - rostered);
    return {
      sessionId,
      staffNeeded: needed,
      staffRostered: rostered,
      shortfall,
      missingConsents,
      expiredDocuments,
      ready: session.status === 'scheduled' && shortfall === 0 && missingConsents.length === 0 && expiredDocuments.length === 0,
    };
  }

  /** Coordinators and admins see every session; a support worker only those they are rostered on (403 otherwise). */
  private async requireAccess(sessionId: string, principal: Principal) {
    const session = await this.staff.session(this.dataSource.manager, sessionId);
    if (!session) throw notFound('session', sessionId);
    if (principal.kind === 'user' && principal.role === 'support_worker' && !(await this.staff.isRostered(this.dataSource.manager, sessionId, principal.id))) {
      throw forbidden('Support workers see the readiness and staff of sessions they are rostered on');
    }
    return session;
  }
}
