import { Injectable } from '@nestjs/common';
import { affected, execute, one, rows } from '../database/database.repository.js';
import { type Queryable, raw, sql } from '../database/sql.js';
import { ORGANISATION_REQUIREMENTS } from '../compliance/compliance-rules.js';

export interface SessionFacts {
  id: string;
  programmeId: string;
  date: string;
  status: 'scheduled' | 'cancelled';
  offSite: boolean;
  groupRatio: number;
}

interface SessionFactsRow {
  id: string;
  programme_id: string;
  date: string;
  status: 'scheduled' | 'cancelled';
  off_site: boolean;
  group_ratio: number;
}

const toSessionFacts = (r: SessionFactsRow): SessionFacts => ({
  id: r.id,
  programmeId: r.programme_id,
  date: r.date,
  status: r.status,
  offSite: r.off_site,
  groupRatio: r.group_ratio,
});

export interface RosteredStaff {
  userId: string;
  name: string;
  rosteredAt: Date;
}

interface RosteredStaffRow {
  user_id: string;
  name: string;
  rostered_at: Date;
}

const toRosteredStaff = (r: RosteredStaffRow): RosteredStaff => ({ userId: r.user_id, name: r.name, rosteredAt: r.rostered_at });

export interface ExpiredDocument {
  documentId: string;
  kind: string;
  subjectType: 'organisation' | 'user' | 'programme';
  subjectId: string | null;
  expiresOn: string;
}

interface ExpiredDocumentRow {
  id: string;
  kind: string;
  subject_type: ExpiredDocument['subjectType'];
  subject_id: string | null;
  expires_on: string;
}

const toExpiredDocument = (r: ExpiredDocumentRow): ExpiredDocument => ({
  documentId: r.id,
  kind: r.kind,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  expiresOn: r.expires_on,
});

/** The SQL of the rota (session_staff) and of a session's readiness. */
@Injectable()
export class SessionStaffRepository {
  async session(db: Queryable, sessionId: string, options: { lock?: boolean } = {}): Promise<SessionFacts | null> {
    const row = await one<SessionFactsRow>(
      db,
      sql`SELECT s.id, s.programme_id, s.date::text AS date, s.status, s.off_site, p.group_ratio
            FROM sessions s JOIN programmes p ON p.id = s.programme_id
           WHERE s.id = ${sessionId} ${raw(options.lock ? 'FOR KEY SHARE OF s' : '')}`,
    );
    return row ? toSessionFacts(row) : null;
  }

  /**
   * The user row FOR NO KEY UPDATE — the lock a change to the user's compliance documents takes first
   * (ComplianceDocumentRepository.lockUser) — and the user's current DBS check, read under it, with whether
   * it covers the date `on` (document_covers, rule 15's one definition).
   */
  async lockUserWithDbs(
    db: Queryable,
    userId: string,
    on: string,
  ): Promise<{ role: string; dbs: { issuedOn: string; expiresOn: string | null; covers: boolean } | null } | null> {
    const user = await one<{ role: string }>(db, sql`SELECT role FROM users WHERE id = ${userId} FOR NO KEY UPDATE`);
    if (!user) return null;
    const dbs = await one<{ issued_on: string; expires_on: string | null; covers: boolean }>(
      db,
      sql`SELECT issued_on::text AS issued_on, expires_on::text AS expires_on, document_covers(issued_on, expires_on, ${on}::date) AS covers
            FROM compliance_documents
           WHERE kind = 'dbs_check' AND subject_type = 'user' AND subject_id = ${userId} AND superseded_by IS NULL`,
    );
    return { role: user.role, dbs: dbs ? { issuedOn: dbs.issued_on, expiresOn: dbs.expires_on, covers: dbs.covers } : null };
  }

  async roster(db: Queryable, c: { sessionId: string; userId: string; rosteredBy: string }): Promise<void> {
    await execute(
      db,
      sql`INSERT INTO session_staff (session_id, user_id, rostered_by) VALUES (${c.sessionId}, ${c.userId}, ${c.rosteredBy})
          ON CONFLICT (session_id, user_id) DO NOTHING`,
    );
  }

  async unroster(db: Queryable, sessionId: string, userId: string): Promise<boolean> {
    return (await affected(db, sql`DELETE FROM session_staff WHERE session_id = ${sessionId} AND user_id = ${userId}`)) > 0;
  }

  async staff(db: Queryable, sessionId: string): Promise<RosteredStaff[]> {
    const found = await rows<RosteredStaffRow>(
      db,
      sql`SELECT ss.user_id, u.name, ss.rostered_at
            FROM session_staff ss JOIN users u ON u.id = ss.user_id WHERE ss.session_id = ${sessionId} ORDER BY ss.user_id`,
    );
    return found.map(toRosteredStaff);
  }

  async isRostered(db: Queryable, sessionId: string, userId: string): Promise<boolean> {
    return (await one(db, sql`SELECT 1 FROM session_staff WHERE session_id = ${sessionId} AND user_id = ${userId}`)) !== undefined;
  }

  /** The registered participants of the session's programme-term by support level. */
  async supportLevels(db: Queryable, sessionId: string): Promise<{ group: number; one_to_one: number; two_to_one: number }> {
    const row = await one<{ group: number; one_to_one: number; two_to_one: number }>(
      db,
      sql`SELECT count(*) FILTER (WHERE p.support_level = 'group')::int AS "group",
                 count(*) FILTER (WHERE p.support_level = 'one_to_one')::int AS one_to_one,
                 count(*) FILTER (WHERE p.support_level = 'two_to_one')::int AS two_to_one
            FROM sessions s
            JOIN registrations r ON r.programme_id = s.programme_id AND r.term_id = s.term_id AND r.status = 'registered'
            JOIN participants p ON p.id = r.participant_id
           WHERE s.id = ${sessionId}`,
    );
    return row!;
  }

  /** Registered participants without a current consent for `purpose` on the session's date. */
  async withoutConsent(db: Queryable, sessionId: string, purpose: string): Promise<string[]> {
    const found = await rows<{ participant_id: string }>(
      db,
      sql`SELECT r.participant_id
            FROM sessions s
            JOIN registrations r ON r.programme_id = s.programme_id AND r.term_id = s.term_id AND r.status = 'registered'
           WHERE s.id = ${sessionId} AND current_consent(r.participant_id, ${purpose}, s.date) IS NOT TRUE
           ORDER BY r.participant_id`,
    );
    return found.map((r) => r.participant_id);
  }

  /**
   * Current documents the session relies on that have expired by its date: the organisation's required
   * ones, the programme's risk assessment, each rostered support worker's DBS check.
   */
  async expiredDocuments(db: Queryable, sessionId: string): Promise<ExpiredDocument[]> {
    const found = await rows<ExpiredDocumentRow>(
      db,
      sql`SELECT d.id, d.kind, d.subject_type, d.subject_id, d.expires_on::text AS expires_on
            FROM sessions s
            JOIN compliance_documents d ON d.superseded_by IS NULL AND d.expires_on < s.date
             AND ((d.subject_type = 'organisation' AND d.kind = ANY (${ORGANISATION_REQUIREMENTS}::text[]))
               OR (d.subject_type = 'programme' AND d.subject_id = s.programme_id AND d.kind = 'risk_assessment')
               OR (d.subject_type = 'user' AND d.kind = 'dbs_check' AND d.subject_id IN (SELECT user_id FROM session_staff WHERE session_id = s.id)))
           WHERE s.id = ${sessionId}
           ORDER BY d.subject_type, d.kind, d.subject_id`,
    );
    return found.map(toExpiredDocument);
  }
}
