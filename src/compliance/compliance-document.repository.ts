import { Injectable } from '@nestjs/common';
import type { Sql } from '../database/sql.js';
import { type ComplianceKind, REMINDER_THRESHOLDS, type SubjectType } from './compliance-rules.js';

/** A compliance document as stored. */
export interface ComplianceDocument {
  id: string;
  kind: ComplianceKind;
  subjectType: SubjectType;
  subjectId: string | null;
  reference: string | null;
  issuedOn: string;
  expiresOn: string | null;
  notes: string | null;
  supersededById: string | null;
  supersededAt: Date | null;
  createdBy: string;
  createdAt: Date;
}

interface DocumentRow {
  id: string;
  kind: ComplianceKind;
  subject_type: SubjectType;
  subject_id: string | null;
  reference: string | null;
  issued_on: string;
  expires_on: string | null;
  notes: string | null;
  superseded_by: string | null;
  superseded_at: Date | null;
  created_by: string;
  created_at: Date;
}

const toDocument = (r: DocumentRow): ComplianceDocument => ({
  id: r.id,
  kind: r.kind,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  reference: r.reference,
  issuedOn: r.issued_on,
  expiresOn: r.expires_on,
  notes: r.notes,
  supersededById: r.superseded_by,
  supersededAt: r.superseded_at,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const COLUMNS = 'id, kind, subject_type, subject_id, reference, issued_on, expires_on, notes, superseded_by, superseded_at, created_by, created_at';

/** One required item of the compliance status, with the current document that answers it (if any). */
export interface RequiredItemRow {
  kind: ComplianceKind;
  subjectType: SubjectType;
  subjectId: string | null;
  subjectName: string | null;
  documentId: string | null;
  issuedOn: string | null;
  expiresOn: string | null;
}

/** A raised expiry reminder. */
export interface ComplianceReminder {
  id: string;
  documentId: string;
  threshold: number;
  kind: ComplianceKind;
  subjectType: SubjectType;
  subjectId: string | null;
  expiresOn: string;
  dueOn: string;
  raisedOn: string;
  raisedAt: Date;
}

export interface DocumentFilter {
  subjectType?: SubjectType;
  subjectId?: string;
  kind?: ComplianceKind;
  /** Only current documents whose expiry is on or before this date (expired ones included). */
  expiringBy?: string;
  after?: string;
  limit: number;
}

/**
 * The SQL of the compliance register: documents, their supersession, the required items of the
 * status, and the expiry reminders. Methods that take `sql` run in the caller's transaction.
 */
@Injectable()
export class ComplianceDocumentRepository {
  /**
   * Serialises every writer of one kind and subject until commit (a transaction-scoped advisory lock:
   * there may be no row yet to lock), so supersession reads the current document and replaces it
   * without a race. The partial unique index compliance_documents_one_current is the backstop.
   */
  async lockKindAndSubject(sql: Sql, kind: ComplianceKind, subjectType: SubjectType, subjectId: string | null): Promise<void> {
    await sql.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`compliance:${kind}:${subjectType}:${subjectId ?? ''}`]);
  }

  /**
   * The user row FOR NO KEY UPDATE: the lock that rostering a support worker and changing that user's
   * documents both take first, so a rostering never reads a DBS check that a concurrent edit is
   * changing (src/staffing). Answers the user's role, or null when there is no such user.
   */
  async lockUser(sql: Sql, userId: string): Promise<{ role: string; name: string } | null> {
    const [row] = await sql.query(`SELECT role, name FROM users WHERE id = $1 FOR NO KEY UPDATE`, [userId]);
    return row ?? null;
  }

  async programmeExists(sql: Sql, programmeId: string): Promise<boolean> {
    const rows = await sql.query(`SELECT 1 FROM programmes WHERE id = $1 FOR KEY SHARE`, [programmeId]);
    return rows.length > 0;
  }

  async current(sql: Sql, kind: ComplianceKind, subjectType: SubjectType, subjectId: string | null): Promise<ComplianceDocument | null> {
    const [row]: DocumentRow[] = await sql.query(
      `SELECT ${COLUMNS} FROM compliance_documents
        WHERE kind = $1 AND subject_type = $2 AND subject_id IS NOT DISTINCT FROM $3 AND superseded_by IS NULL`,
      [kind, subjectType, subjectId],
    );
    return row ? toDocument(row) : null;
  }

  async find(sql: Sql, id: string, options: { lock?: boolean } = {}): Promise<ComplianceDocument | null> {
    const [row]: DocumentRow[] = await sql.query(
      `SELECT ${COLUMNS} FROM compliance_documents WHERE id = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return row ? toDocument(row) : null;
  }

  /** A new document id (UUIDv7, as the column's default), for a successor named before it is inserted. */
  async newId(sql: Sql): Promise<string> {
    const [row] = await sql.query(`SELECT uuid_generate_v7() AS id`);
    return row.id;
  }

  async insert(
    sql: Sql,
    d: Pick<ComplianceDocument, 'id' | 'kind' | 'subjectType' | 'subjectId' | 'reference' | 'issuedOn' | 'expiresOn' | 'notes' | 'createdBy' | 'supersededById'>,
  ): Promise<ComplianceDocument> {
    const [row]: DocumentRow[] = await sql.query(
      `INSERT INTO compliance_documents (id, kind, subject_type, subject_id, reference, issued_on, expires_on, notes, created_by,
                                         superseded_by, superseded_at)
       VALUES ($10, $1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $9::uuid IS NULL THEN NULL ELSE now() END)
       RETURNING ${COLUMNS}`,
      [d.kind, d.subjectType, d.subjectId, d.reference, d.issuedOn, d.expiresOn, d.notes, d.createdBy, d.supersededById, d.id],
    );
    return toDocument(row);
  }

  /** Marks `id` superseded by `by` (history kept: the row stays). */
  async supersede(sql: Sql, id: string, by: string): Promise<void> {
    await sql.query(`UPDATE compliance_documents SET superseded_by = $2, superseded_at = now(), updated_at = now() WHERE id = $1`, [id, by]);
  }

  async update(
    sql: Sql,
    id: string,
    patch: { reference?: string | null; issuedOn?: string; expiresOn?: string | null; notes?: string | null },
  ): Promise<ComplianceDocument> {
    const [row]: DocumentRow[] = await sql.query(
      `WITH updated AS (
       UPDATE compliance_documents
          SET reference = CASE WHEN $2 THEN $3 ELSE reference END,
              issued_on = coalesce($4::date, issued_on),
              expires_on = CASE WHEN $5 THEN $6::date ELSE expires_on END,
              notes = CASE WHEN $7 THEN $8 ELSE notes END,
              updated_at = now()
        WHERE id = $1
        RETURNING ${COLUMNS})
       SELECT * FROM updated`,
      [
        id,
        patch.reference !== undefined,
        patch.reference ?? null,
        patch.issuedOn ?? null,
        patch.expiresOn !== undefined,
        patch.expiresOn ?? null,
        patch.notes !== undefined,
        patch.notes ?? null,
      ],
    );
    return toDocument(row);
  }

  /** Documents in id order (history included unless `expiringBy` asks for current ones), keyset-paged. */
  async list(sql: Sql, f: DocumentFilter): Promise<ComplianceDocument[]> {
    const rows: DocumentRow[] = await sql.query(
      `SELECT ${COLUMNS} FROM compliance_documents
        WHERE ($1::text IS NULL OR subject_type = $1)
          AND ($2::uuid IS NULL OR subject_id = $2)
          AND ($3::text IS NULL OR kind = $3)
          AND ($4::date IS NULL OR (superseded_by IS NULL AND expires_on <= $4::date))
          AND ($5::uuid IS NULL OR id > $5)
        ORDER BY id
        LIMIT $6`,
      [f.subjectType ?? null, f.subjectId ?? null, f.kind ?? null, f.expiringBy ?? null, f.after ?? null, f.limit + 1],
    );
    return rows.map(toDocument);
  }

  /**
   * Every required item (API.md): for the organisation the kinds given; `dbs_check` of each support
   * worker rostered on a scheduled session dated `today` or later; `risk_assessment` of each programme
   * with such a session; each with its current document, if any.
   */
  async requiredItems(sql: Sql, today: string, organisationKinds: readonly ComplianceKind[]): Promise<RequiredItemRow[]> {
    return sql.query(
      `WITH required AS (
         SELECT k AS kind, 'organisation' AS subject_type, NULL::uuid AS subject_id, NULL::text AS subject_name, o AS ord
           FROM unnest($2::text[]) WITH ORDINALITY AS r(k, o)
         UNION ALL
         SELECT 'dbs_check', 'user', u.id, u.name, 100
           FROM users u
          WHERE u.role = 'support_worker'
            AND EXISTS (SELECT 1 FROM session_staff ss JOIN sessions s ON s.id = ss.session_id
                         WHERE ss.user_id = u.id AND s.status = 'scheduled' AND s.date >= $1::date)
         UNION ALL
         SELECT 'risk_assessment', 'programme', p.id, p.name, 200
           FROM programmes p
          WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.programme_id = p.id AND s.status = 'scheduled' AND s.date >= $1::date))
       SELECT r.kind, r.subject_type AS "subjectType", r.subject_id AS "subjectId", r.subject_name AS "subjectName",
              d.id AS "documentId", d.issued_on::text AS "issuedOn", d.expires_on::text AS "expiresOn"
         FROM required r
         LEFT JOIN compliance_documents d
                ON d.kind = r.kind AND d.subject_type = r.subject_type AND d.subject_id IS NOT DISTINCT FROM r.subject_id
               AND d.superseded_by IS NULL
        ORDER BY r.ord, r.subject_name, r.subject_id`,
      [today, organisationKinds],
    );
  }

  /**
   * Raises the reminders due on `today` (the rule of compliance-rules.ts reminderDue, for every
   * current document with an expiry at once): one INSERT ... ON CONFLICT DO NOTHING on the primary key
   * (document_id, threshold), so however many runs race or repeat, each reminder exists once.
   * Answers the reminders this call raised.
   */
  async raiseReminders(sql: Sql, today: string): Promise<Array<{ documentId: string; threshold: number }>> {
    return sql.query(
      `INSERT INTO compliance_reminders (document_id, threshold, expires_on, due_on, raised_on)
       SELECT d.id, t.threshold, d.expires_on, d.expires_on - t.threshold, $1::date
         FROM compliance_documents d
         CROSS JOIN LATERAL (SELECT min(th) AS threshold FROM unnest($2::int[]) AS th WHERE d.expires_on - th <= $1::date) t
        WHERE d.superseded_by IS NULL AND d.expires_on IS NOT NULL AND t.threshold IS NOT NULL
       ON CONFLICT (document_id, threshold) DO NOTHING
       RETURNING document_id AS "documentId", threshold`,
      [today, REMINDER_THRESHOLDS],
    );
  }

  /** Reminders in the order raised (id order), keyset-paged. */
  async listReminders(sql: Sql, f: { documentId?: string; limit: number; after?: string }): Promise<ComplianceReminder[]> {
    return sql.query(
      `SELECT r.id, r.document_id AS "documentId", r.threshold, d.kind, d.subject_type AS "subjectType", d.subject_id AS "subjectId",
              r.expires_on::text AS "expiresOn", r.due_on::text AS "dueOn", r.raised_on::text AS "raisedOn", r.raised_at AS "raisedAt"
         FROM compliance_reminders r JOIN compliance_documents d ON d.id = r.document_id
        WHERE ($1::uuid IS NULL OR r.document_id = $1) AND ($3::uuid IS NULL OR r.id > $3)
        ORDER BY r.id
        LIMIT $2`,
      [f.documentId ?? null, f.limit + 1, f.after ?? null],
    );
  }

  /**
   * The first scheduled session dated today or later, on which the support worker is rostered, that
   * a DBS check with these dates would not cover; null when none.
   */
  async firstRosteredSessionNotCovered(
    sql: Sql,
    userId: string,
    today: string,
    dbs: { issuedOn: string; expiresOn: string | null } | null,
  ): Promise<{ sessionId: string; date: string } | null> {
    const [row] = await sql.query(
      `SELECT s.id AS "sessionId", s.date::text AS date
         FROM session_staff ss JOIN sessions s ON s.id = ss.session_id
        WHERE ss.user_id = $1 AND s.status = 'scheduled' AND s.date >= $2::date
          AND ($3::boolean OR s.date < $4::date OR ($5::date IS NOT NULL AND s.date > $5::date))
        ORDER BY s.date LIMIT 1`,
      [userId, today, dbs === null, dbs?.issuedOn ?? null, dbs?.expiresOn ?? null],
    );
    return row ?? null;
  }
}
