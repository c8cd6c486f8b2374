import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { type Page, type PageQuery, pageOf } from '../common/pagination.js';
import { notFound, ruleBrokenOn } from '../common/problem.js';
import { type AttendanceRow, recordAttendance } from './attendance.repository.js';
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
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a participant's attendance at a session: only for participants registered for the
   * session's programme and term on that date (422 otherwise). Writes are last-write-wins, timestamped.
   * An erased participant's attendance keeps its status but never a note (see recordAttendance).
   */
  async record(sessionId: string, participantId: string, dto: RecordAttendanceDto, principal: Principal): Promise<AttendanceResponse> {
    await this.requireSession(sessionId);
    const [registered] = await this.dataSource.query(
      `SELECT 1 FROM sessions s JOIN registrations r ON r.programme_id = s.programme_id AND r.term_id = s.term_id
        WHERE s.id = $1 AND r.participant_id = $2
          AND (r.status = 'registered' OR (r.status = 'withdrawn' AND r.registered_on IS NOT NULL AND r.withdrawal_effective_on > s.date))
        LIMIT 1`,
      [sessionId, participantId],
    );
    if (!registered) {
      throw ruleBrokenOn(ProblemCode.NotRegisteredForSession, 'participantId', "the participant is not registered for this session's programme and term");
    }
    const row = await recordAttendance(this.dataSource, {
      sessionId,
      participantId,
      status: dto.status,
      note: dto.note ?? null,
      recordedBy: `${principal.kind}:${principal.id}`,
    });
    return toResponse(row);
  }

  async list(sessionId: string, page: PageQuery): Promise<Page<AttendanceResponse>> {
    await this.requireSession(sessionId);
    const rows: AttendanceRow[] = await this.dataSource.query(
      `SELECT * FROM attendance WHERE session_id = $1 ORDER BY participant_id`,
      [sessionId],
    );
    const { items, nextCursor } = pageOf(rows.map((row) => ({ id: row.participant_id, row })), page);
    return { items: items.map(({ row }) => toResponse(row)), nextCursor };
  }

  /** The participants registered for the session's programme and term, with their attendance. */
  async roster(sessionId: string, page: PageQuery): Promise<Page<RosterEntryResponse>> {
    await this.requireSession(sessionId);
    const rows: Array<RosterEntryResponse & { id: string }> = await this.dataSource.query(
      `SELECT p.id, p.id AS "participantId", r.id AS "registrationId", p.first_name AS "firstName", p.last_name AS "lastName",
              p.needs, a.status AS attendance
         FROM sessions s
         JOIN registrations r ON r.programme_id = s.programme_id AND r.term_id = s.term_id AND r.status = 'registered'
         JOIN participants p ON p.id = r.participant_id
         LEFT JOIN attendance a ON a.session_id = s.id AND a.participant_id = p.id
        WHERE s.id = $1
        ORDER BY p.id`,
      [sessionId],
    );
    const { items, nextCursor } = pageOf(rows, page);
    return { items: items.map(({ id: _id, ...entry }) => entry), nextCursor };
  }

  private async requireSession(sessionId: string): Promise<void> {
    const [session] = await this.dataSource.query(`SELECT 1 FROM sessions WHERE id = $1`, [sessionId]);
    if (!session) throw notFound('session', sessionId);
  }
}
