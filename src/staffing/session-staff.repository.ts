import { Injectable } from '@nestjs/common';
import type { Sql } from '../database/sql.js';
import { ORGANISATION_REQUIREMENTS } from '../compliance/compliance-rules.js';

export interface SessionFacts {
  id: string;
  programmeId: string;
  date: string;
  status: 'scheduled' | 'cancelled';
  offSite: boolean;
  groupRatio: number;
}

export interface RosteredStaff {
  userId: string;
  name: string;
  rosteredAt: Date;
}

export interface ExpiredDocument {
  documentId: string;
  kind: string;
  subjectType: 'organisation' | 'user' | 'programme';
  subjectId: string | null;
  expiresOn: string;
}

/** The SQL of the rota (session_staff) and of a session's readiness. */
@Injectable()
export class SessionStaffRepository {
  async session(sql: Sql, sessionId: string, options: { lock?: boolean } = {}): Promise<SessionFacts | null> {
    const [row] = await sql.query(
      `SELECT s.id, s.programme_id AS "programmeId", s.date::text AS date, s.status, s.off_site AS "offSite", p.group_ratio AS "groupRatio"
         FROM sessions s JOIN programmes p ON p.id = s.programme_id
        WHERE s.id = $1 ${options.lock ? 'FOR KEY SHARE OF s' : ''}`,
      [sessionId],
    );
    return row ?? null;
  }

  /**
   * The user row FOR NO KEY UPDATE — the lock a change to the user's compliance documents takes first
   * (ComplianceDocumentRepository.lockUser) — and the user's current DBS check, read under it.
   */
  async lockUserWithDbs(sql: Sql, userId: string): Promise<{ role: string; dbs: { issuedOn: string; expiresOn: string | null } | null } | null> {
    const [user] = await sql.query(`SELECT role FROM users WHERE id = $1 FOR NO KEY UPDATE`, [userId]);
    if (!user) return null;
    const [dbs] = await sql.query(
      `SELECT issued_on::text AS "issuedOn", expires_on::text AS "expiresOn" FROM compliance_documents
        WHERE kind = 'dbs_check' AND subject_type = 'user' AND subject_id = $1 AND superseded_by IS NULL`,
      [userId],
    );
    return { role: user.role, dbs: dbs ?? null };
  }

  async roster(sql: Sql, c: { sessionId: string; userId: string; rosteredBy: string }): Promise<void> {
    await sql.query(
      `INSERT INTO session_staff (session_id, user_id, rostered_by) VALUES ($1, $2, $3) ON CONFLICT (session_id, user_id) DO NOTHING`,
      [c.sessionId, c.userId, c.rosteredBy],
    );
  }

  async unroster(sql: Sql, sessionId: string, userId: string): Promise<boolean> {
    const [row] = await sql.query(
      `WITH removed AS (DELETE FROM session_staff WHERE session_id = $1 AND user_id = $2 RETURNING 1) SELECT count(*)::int AS n FROM removed`,
      [sessionId, userId],
    );
    return row.n > 0;
  }

  async staff(sql: Sql, sessionId: string): Promise<RosteredStaff[]> {
    return sql.query(
      `SELECT ss.user_id AS "userId", u.name, ss.rostered_at AS "rosteredAt"
         FROM session_staff ss JOIN users u ON u.id = ss.user_id WHERE ss.session_id = $1 ORDER BY ss.user_id`,
      [sessionId],
    );
  }

  async isRostered(sql: Sql, sessionId: string, userId: string): Promise<boolean> {
    return (await sql.query(`SELECT 1 FROM session_staff WHERE session_id = $1 AND user_id = $2`, [sessionId, userId])).length > 0;
  }

  /** The registered participants of the session's programme-term by support level. */
  async supportLevels(sql: Sql, sessionId: string): Promise<{ group: number; one_to_one: number; two_to_one: number }> {
    const [row] = await sql.query(
      `SELECT count(*) FILTER (WHERE p.support_level = 'group')::int AS "group",
              count(*) FILTER (WHERE p.support_level = 'one_to_one')::int AS one_to_one,
              count(*) FILTER (WHERE p.support_level = 'two_to_one')::int AS two_to_one
         FROM sessions s
         JOIN registrations r ON r.programme_id = s.programme_id AND r.term_id = s.term_id AND r.status = 'registered'
         JOIN participants p ON p.id = r.participant_id
        WHERE s.id = $1`,
      [sessionId],
    );
    return row;
  }

  /** Registered participants without a current consent for `purpose` on the session's date. */
  async withoutConsent(sql: Sql, sessionId: string, purpose: string): Promise<string[]> {
    const rows = await sql.query(
      `SELECT r.participant_id AS id
         FROM sessions s
         JOIN registrations r ON r.programme_id = s.programme_id AND r.term_id = s.term_id AND r.status = 'registered'
        WHERE s.id = $1 AND current_consent(r.participant_id, $2, s.date) IS NOT TRUE
        ORDER BY r.participant_id`,
      [sessionId, purpose],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  /**
   * Current documents the session relies on that have expired by its date: the organisation's required
   * ones, the programme's risk assessment, each rostered support worker's DBS check.
   */
  async expiredDocuments(sql: Sql, sessionId: string): Promise<ExpiredDocument[]> {
    return sql.query(
      `SELECT d.id AS "documentId", d.kind, d.subject_type AS "subjectType", d.subject_id AS "subjectId", d.expires_on::text AS "expiresOn"
         FROM sessions s
         JOIN compliance_documents d ON d.superseded_by IS NULL AND d.expires_on < s.date
          AND ((d.subject_type = 'organisation' AND d.kind = ANY ($2::text[]))
            OR (d.subject_type = 'programme' AND d.subject_id = s.programme_id AND d.kind = 'risk_assessment')
            OR (d.subject_type = 'user' AND d.kind = 'dbs_check' AND d.subject_id IN (SELECT user_id FROM session_staff WHERE session_id = s.id)))
        WHERE s.id = $1
        ORDER BY d.subject_type, d.kind, d.subject_id`,
      [sessionId, ORGANISATION_REQUIREMENTS],
    );
  }
}
