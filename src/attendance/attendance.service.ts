import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { type Page, type PageQuery, pageOf } from '../common/pagination.js';
import { notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { withConstraints } from '../common/constraints.js';
import { ConsentRepository } from '../consents/consent.repository.js';
import {
  type AttendanceRow,
  attendanceOfSession,
  isRegisteredForSession,
  recordAttendance,
  rosterOfSession,
} from './attendance.repository.js';
import { sessionDate, sessionExists } from '../sessions/session.repository.js';
import type { AttendanceResponse, RecordAttendanceDto, RosterEntryResponse } from './dto/attendance.dto.js';
import { ProblemCode } from '../common/problem-codes.js';


const toResponse = (row: AttendanceRow): AttendanceResponse => ({
  sessionId: row.session_id,
  participantId: row.participant_id,
  status: row.status,
  note: row.note,
  recordedAt: row.recorded_at.toISOString(),
  recordedBy: row.recorded_by,
});

@Injectable()
export class AttendanceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consents: ConsentRepository,
  ) {}

  /**
   * Records a participant's attendance at a session: only for participants registered for the
   * session's programme and term on that date (422 otherwise). Writes are last-write-wins, timestamped.
   * An erased participant's attendance keeps its status but never a note (see recordAttendance).
   */
  async record(sessionId: string, participantId: string, dto: RecordAttendanceDto, principal: Principal): Promise<AttendanceResponse> {
    await this.requireSession(sessionId);
    const registered = await isRegisteredForSession(this.dataSource.manager, sessionId, participantId);
    if (!registered) {
      throw ruleBrokenOn(ProblemCode.NotRegisteredForSession, 'participantId', "the participant is not registered for this session's programme and term");
    }
    const row = await withConstraints(
      () =>
        recordAttendance(this.dataSource, {
          sessionId,
          participantId,
          status: dto.status,
          note: dto.note ?? null,
          recordedBy: `${principal.kind}:${principal.id}`,
        }),
      {
        attendance_session_not_cancelled: () => ruleBroken(ProblemCode.SessionCancelled, 'The session is cancelled: no attendance is recorded for it'),
        attendance_off_site_consent: () =>
          ruleBrokenOn(ProblemCode.OffSiteConsentMissing, 'status', 'an off-site session: present or late needs a current consent to off-site trips'),
      },
    );
    return toResponse(row);
  }

  async list(sessionId: string, page: PageQuery): Promise<Page<AttendanceResponse>> {
    await this.requireSession(sessionId);
    const rows = await attendanceOfSession(this.dataSource.manager, sessionId);
    const { items, nextCursor } = pageOf(rows.map((row) => ({ id: row.participant_id, row })), page);
    return { items: items.map(({ row }) => toResponse(row)), nextCursor };
  }

  /** The participants registered for the session's programme and term, with their attendance. */
  async roster(sessionId: string, page: PageQuery): Promise<Page<RosterEntryResponse>> {
    await this.requireSession(sessionId);
    const entries = await rosterOfSession(this.dataSource.manager, sessionId);
    const { items, nextCursor } = pageOf(entries.map((entry) => ({ id: entry.participantId, entry })), page);
    const date = (await sessionDate(this.dataSource.manager, sessionId))!;
    const consents = await this.consents.currentFor(this.dataSource.manager, items.map((i) => i.id), date);
    return { items: items.map(({ id, entry }) => ({ ...entry, consents: consents.get(id)! })), nextCursor };
  }

  private async requireSession(sessionId: string): Promise<void> {
    if (!(await sessionExists(this.dataSource.manager, sessionId))) throw notFound('session', sessionId);
  }
}
