import { Injectable } from '@nestjs/common';
import { execute, one, rows } from '../database/database.repository.js';
import { bind, type Queryable, raw, sql } from '../database/sql.js';
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

const COLUMNS = raw('id, kind, subject_type, subject_id, reference, issued_on, expires_on, notes, superseded_by, superseded_at, created_by, created_at');

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

interface RequiredItemSqlRow {
  kind: ComplianceKind;
  subject_type: SubjectType;
  subject_id: string | null;
  subject_name: string | null;
  document_id: string | null;
  issued_on: string | null;
  expires_on: string | null;
}

const toRequiredItem = (r: RequiredItemSqlRow): RequiredItemRow => ({
  kind: r.kind,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  subjectName: r.subject_name,
  documentId: r.document_id,
  issuedOn: r.issued_on,
  expiresOn: r.expires_on,
});

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

interface ReminderRow {
  id: string;
  document_id: string;
  threshold: number;
  kind: ComplianceKind;
  subject_type: SubjectType;
  subject_id: string | null;
  expires_on: string;
  due_on: string;
  raised_on: string;
  raised_at: Date;
}

const toReminder = (r: ReminderRow): ComplianceReminder => ({
  id: r.id,
  documentId: r.document_id,
  threshold: r.threshold,
  kind: r.kind,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  expiresOn: r.expires_on,
  dueOn: r.due_on,
  raisedOn: r.raised_on,
  raisedAt: r.raised_at,
});

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
 * status, and the expiry reminders. Methods that take `db` run in the caller's transaction.
 */
@Injectable()
export class ComplianceDocumentRepository {
  /**
   * Serialises every writer of one kind and subject until commit (a transaction-scoped advisory lock:
   * there may be no row yet to lock), so supersession reads the current document and replaces it
   * without a race. The partial unique index compliance_documents_one_current is the backstop.
   */
  async lockKindAndSubject(db: Queryable, kind: ComplianceKind, subjectType: SubjectType, subjectId: string | null): Promise<void> {
    await execute(db, sql`SELECT pg_advisory_xact_lock(hashtextextended(${`compliance:${kind}:${subjectType}:${subjectId ?? ''}`}, 0))`);
  }

  /**
   * The user row FOR NO KEY UPDATE: the lock that rostering a support worker and changing that user's
   * documents both take first, so a rostering never reads a DBS check that a concurrent edit is
   * changing (src/staffing). Answers the user's role, or null when there is no such user.
   */
  async lockUser(db: Queryable, userId: string): Promise<{ role: string; name: string } | null> {
    const row = await one<{ role: string; name: string }>(db, sql`SELECT role, name FROM users WHERE id = ${userId} FOR NO KEY UPDATE`);
    return row ?? null;
  }

  async programmeExists(db: Queryable, programmeId: string): Promise<boolean> {
    return (await one(db, sql`SELECT 1 FROM programmes WHERE id = ${programmeId} FOR KEY SHARE`)) !== undefined;
  }

  async current(db: Queryable, kind: ComplianceKind, subjectType: SubjectType, subjectId: string | null): Promise<ComplianceDocument | null> {
    const row = await one<DocumentRow>(
      db,
      sql`SELECT ${COLUMNS} FROM compliance_documents
           WHERE kind = ${kind} AND subject_type = ${subjectType} AND subject_id IS NOT DISTINCT FROM ${subjectId}::uuid AND superseded_by IS NULL`,
    );
    return row ? toDocument(row) : null;
  }

  async find(db: Queryable, id: string, options: { lock?: boolean } = {}): Promise<ComplianceDocument | null> {
    const row = await one<DocumentRow>(db, sql`SELECT ${COLUMNS} FROM compliance_documents WHERE id = ${id} ${raw(options.lock ? 'FOR UPDATE' : '')}`);
    return row ? toDocument(row) : null;
  }

  /** A new document id (UUIDv7, as the column's default), for a successor named before it is inserted. */
  async newId(db: Queryable): Promise<string> {
    const row = await one<{ id: string }>(db, sql`SELECT uuid_generate_v7() AS id`);
    return row!.id;
  }

  async insert(
    db: Queryable,
    d: Pick<ComplianceDocument, 'id' | 'kind' | 'subjectType' | 'subjectId' | 'reference' | 'issuedOn' | 'expiresOn' | 'notes' | 'createdBy' | 'supersededById'>,
  ): Promise<ComplianceDocument> {
    const supersededBy = bind(d.supersededById);
    const row = await one<DocumentRow>(
      db,
      sql`INSERT INTO compliance_documents (id, kind, subject_type, subject_id, reference, issued_on, expires_on, notes, created_by,
                                            superseded_by, superseded_at)
          VALUES (${d.id}, ${d.kind}, ${d.subjectType}, ${d.subjectId}, ${d.reference}, ${d.issuedOn}, ${d.expiresOn}, ${d.notes}, ${d.createdBy},
                  ${supersededBy}, CASE WHEN ${supersededBy}::uuid IS NULL THEN NULL ELSE now() END)
          RETURNING ${COLUMNS}`,
    );
    return toDocument(row!);
  }

  /** Marks `id` superseded by `by` (history kept: the row stays). */
  async supersede(db: Queryable, id: string, by: string): Promise<void> {
    await execute(db, sql`UPDATE compliance_documents SET superseded_by = ${by}, superseded_at = now(), updated_at = now() WHERE id = ${id}`);
  }

  async update(
    db: Queryable,
    id: string,
    patch: { reference?: string | null; issuedOn?: string; expiresOn?: string | null; notes?: string | null },
  ): Promise<ComplianceDocument> {
    const row = await one<DocumentRow>(
      db,
      sql`UPDATE compliance_documents
             SET reference = CASE WHEN ${patch.reference !== undefined}::boolean THEN ${patch.reference ?? null}::text ELSE reference END,
                 issued_on = coalesce(${patch.issuedOn ?? null}::date, issued_on),
                 expires_on = CASE WHEN ${patch.expiresOn !== undefined}::boolean THEN ${patch.expiresOn ?? null}::date ELSE expires_on END,
                 notes = CASE WHEN ${patch.notes !== undefined}::boolean THEN ${patch.notes ?? null}::text ELSE notes END,
                 updated_at = now()
           WHERE id = ${id}
          RETURNING ${COLUMNS}`,
    );
    return toDocument(row!);
  }

  /** Documents in id order (history included unless `expiringBy` asks for current ones), keyset-paged. */
  async list(db: Queryable, f: DocumentFilter): Promise<ComplianceDocument[]> {
    const subjectType = bind(f.subjectType ?? null);
    const subjectId = bind(f.subjectId ?? null);
    const kind = bind(f.kind ?? null);
    const expiringBy = bind(f.expiringBy ?? null);
    const after = bind(f.after ?? null);
    const found = await rows<DocumentRow>(
      db,
      sql`SELECT ${COLUMNS} FROM compliance_documents
           WHERE (${subjectType}::text IS NULL OR subject_type = ${subjectType})
             AND (${subjectId}::uuid IS NULL OR subject_id = ${subjectId})
             AND (${kind}::text IS NULL OR kind = ${kind})
             AND (${expiringBy}::date IS NULL OR (superseded_by IS NULL AND expires_on <= ${expiringBy}::date))
             AND (${after}::uuid IS NULL OR id > ${after})
           ORDER BY id
           LIMIT ${f.limit + 1}`,
    );
    return found.map(toDocument);
  }

  /**
   * Every required item (API.md): for the organisation the kinds given; `dbs_check` of each support
   * worker rostered on a scheduled session dated `today` or later; `risk_assessment` of each programme
   * with such a session; each with its current document, if any.
   */
  async requiredItems(db: Queryable, today: string, organisationKinds: readonly ComplianceKind[]): Promise<RequiredItemRow[]> {
    const from = bind(today);
    const found = await rows<RequiredItemSqlRow>(
      db,
      sql`WITH required AS (
            SELECT k AS kind, 'organisation' AS subject_type, NULL::uuid AS subject_id, NULL::text AS subject_name, o AS ord
              FROM unnest(${organisationKinds}::text[]) WITH ORDINALITY AS r(k, o)
            UNION ALL
            SELECT 'dbs_check', 'user', u.id, u.name, 100
              FROM users u
             WHERE u.role = 'support_worker'
               AND EXISTS (SELECT 1 FROM session_staff ss JOIN sessions s ON s.id = ss.session_id
                            WHERE ss.user_id = u.id AND s.status = 'scheduled' AND s.date >= ${from}::date)
            UNION ALL
            SELECT 'risk_assessment', 'programme', p.id, p.name, 200
              FROM programmes p
             WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.programme_id = p.id AND s.status = 'scheduled' AND s.date >= ${from}::date))
          SELECT r.kind, r.subject_type, r.subject_id, r.subject_name,
                 d.id AS document_id, d.issued_on::text AS issued_on, d.expires_on::text AS expires_on
            FROM required r
            LEFT JOIN compliance_documents d
                   ON d.kind = r.kind AND d.subject_type = r.subject_type AND d.subject_id IS NOT DISTINCT FROM r.subject_id
                  AND d.superseded_by IS NULL
           ORDER BY r.ord, r.subject_name, r.subject_id`,
    );
    return found.map(toRequiredItem);
  }

  /**
   * Raises the reminders due on `today` (reminder_due, the rule's one definition, for every current
   * document with an expiry at once): one INSERT ... ON CONFLICT DO NOTHING on the primary key
   * (document_id, threshold), so however many runs race or repeat, each reminder exists once.
   * Answers the reminders this call raised.
   */
  async raiseReminders(db: Queryable, today: string): Promise<Array<{ documentId: string; threshold: number }>> {
    const on = bind(today);
    const raised = await rows<{ document_id: string; threshold: number }>(
      db,
      sql`INSERT INTO compliance_reminders (document_id, threshold, expires_on, due_on, raised_on)
          SELECT d.id, t.threshold, d.expires_on, d.expires_on - t.threshold, ${on}::date
            FROM compliance_documents d
            CROSS JOIN LATERAL (SELECT reminder_due(d.expires_on, ${on}::date, ${REMINDER_THRESHOLDS}::int[]) AS threshold) t
           WHERE d.superseded_by IS NULL AND d.expires_on IS NOT NULL AND t.threshold IS NOT NULL
          ON CONFLICT (document_id, threshold) DO NOTHING
          RETURNING document_id, threshold`,
    );
    return raised.map((r) => ({ documentId: r.document_id, threshold: r.threshold }));
  }

  /** Reminders in the order raised (id order), keyset-paged. */
  async listReminders(db: Queryable, f: { documentId?: string; limit: number; after?: string }): Promise<ComplianceReminder[]> {
    const documentId = bind(f.documentId ?? null);
    const after = bind(f.after ?? null);
    const found = await rows<ReminderRow>(
      db,
      sql`SELECT r.id, r.document_id, r.threshold, d.kind, d.subject_type, d.subject_id,
                 r.expires_on::text AS expires_on, r.due_on::text AS due_on, r.raised_on::text AS raised_on, r.raised_at
            FROM compliance_reminders r JOIN compliance_documents d ON d.id = r.document_id
           WHERE (${documentId}::uuid IS NULL OR r.document_id = ${documentId}) AND (${after}::uuid IS NULL OR r.id > ${after})
           ORDER BY r.id
           LIMIT ${f.limit + 1}`,
    );
    return found.map(toReminder);
  }

  /**
   * The first scheduled session dated today or later, on which the support worker is rostered, that
   * a DBS check with these dates would not cover (document_covers); null when none.
   */
  async firstRosteredSessionNotCovered(
    db: Queryable,
    userId: string,
    today: string,
    dbs: { issuedOn: string; expiresOn: string | null } | null,
  ): Promise<{ sessionId: string; date: string } | null> {
    const row = await one<{ id: string; date: string }>(
      db,
      sql`SELECT s.id, s.date::text AS date
            FROM session_staff ss JOIN sessions s ON s.id = ss.session_id
           WHERE ss.user_id = ${userId} AND s.status = 'scheduled' AND s.date >= ${today}::date
             AND (${dbs === null}::boolean OR NOT document_covers(${dbs?.issuedOn ?? null}::date, ${dbs?.expiresOn ?? null}::date, s.date))
           ORDER BY s.date LIMIT 1`,
    );
    return row ? { sessionId: row.id, date: row.date } : null;
  }
}
