import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ERASED_TEXT } from '../data-protection/anonymisation.js';
import { affected, execute, one, rows } from '../database/database.repository.js';
import { bind, type Queryable, raw, sql, type Statement } from '../database/sql.js';
import type { Notification, NotificationKind, NotificationStatus } from './notification.entity.js';

/** A notification as its outbox sees it: one that must have a live Bull job. */
export interface InFlightNotification {
  id: string;
  /** Names the notification's current Bull job (notificationJobId). */
  generation: number;
  /** Whether the job of this generation is known to have been added. */
  enqueued: boolean;
}

interface InFlightRow {
  id: string;
  dispatch_generation: number;
  enqueued: boolean;
}

const toInFlight = (r: InFlightRow): InFlightNotification => ({ id: r.id, generation: r.dispatch_generation, enqueued: r.enqueued });

const IN_FLIGHT_COLUMNS = raw(`id, dispatch_generation, enqueued_at IS NOT NULL AS enqueued`);

/** What a send needs: the recipient, the template's data, the document to attach. */
export interface NotificationToSend {
  id: string;
  kind: NotificationKind;
  recipient: string;
  data: Record<string, unknown>;
  attachmentDocumentId: string | null;
  attempts: number;
}

interface ToSendRow {
  id: string;
  kind: NotificationKind;
  recipient: string;
  data: Record<string, unknown>;
  attachment_document_id: string | null;
  attempts: number;
}

/** A guardian's email as the SQL of the kinds reads it (trimmed; absent when empty). */
const GUARDIAN_EMAIL = raw(`NULLIF(btrim(g.value->>'email'), '')`);

/**
 * The INSERT of `waitlist_promoted` to each guardian with an email of the participant of each
 * registration `promoted` selects (a query with one column, `id`), once per address; answers the ids
 * written. A fragment, so a withdrawal writes them in its own statement (withdrawRegistration).
 */
export function waitlistPromotedNotifications(promoted: Statement): Statement {
  return sql`INSERT INTO notifications (kind, recipient, data)
        SELECT DISTINCT ON (r.id, lower(${GUARDIAN_EMAIL})) 'waitlist_promoted', ${GUARDIAN_EMAIL},
               jsonb_build_object('guardianName', g.value->>'name', 'participantFirstName', p.first_name,
                                  'programmeName', pr.name, 'termName', t.name, 'termStartsOn', t.starts_on,
                                  'registrationId', r.id, 'participantId', p.id)
          FROM (${promoted}) AS promoted
          JOIN registrations r ON r.id = promoted.id
          JOIN participants p ON p.id = r.participant_id
          JOIN programmes pr ON pr.id = r.programme_id
          JOIN terms t ON t.id = r.term_id
          CROSS JOIN LATERAL jsonb_array_elements(p.guardians) WITH ORDINALITY AS g(value, n)
         WHERE p.erased_at IS NULL AND ${GUARDIAN_EMAIL} IS NOT NULL
         ORDER BY r.id, lower(${GUARDIAN_EMAIL}), g.n
        RETURNING id`;
}

/**
 * `waitlist_promoted` for each of `registrationIds` that holds a place now (registrations that were
 * waitlisted until a promotion in the caller's transaction). Answers the ids written.
 */
export async function writeWaitlistPromotedNotifications(db: Queryable, registrationIds: readonly string[]): Promise<string[]> {
  if (registrationIds.length === 0) return [];
  const promoted = sql`SELECT id FROM registrations WHERE id = ANY (${registrationIds}::uuid[]) AND status = 'registered'`;
  return (await rows<{ id: string }>(db, waitlistPromotedNotifications(promoted))).map((r) => r.id);
}

/**
 * `invoice_issued` for each invoice of billing run `runId`, with the invoice attached: to the
 * commissioner's invoiceEmail when the commissioner has sendInvoicesByEmail, or to the holder of a
 * direct payment at the email on the invoice. Run in the billing run's transaction (a plain function, so
 * billing calls it without depending on the notifications module). Answers the ids written.
 */
export async function writeInvoiceNotifications(db: Queryable, runId: string): Promise<string[]> {
  const written = await rows<{ id: string }>(
    db,
    sql`INSERT INTO notifications (kind, recipient, data, attachment_document_id)
        SELECT 'invoice_issued', x.recipient,
               jsonb_build_object('documentNumber', d.number, 'documentId', d.id, 'recipientName', d.recipient_name,
                                  'issueDate', d.issue_date, 'dueDate', d.due_date, 'totalPence', d.total_pence, 'poNumber', d.po_number),
               d.id
          FROM documents d
          JOIN commissioners c ON c.id = d.commissioner_id
          CROSS JOIN LATERAL (SELECT CASE
                                WHEN d.recipient_type = 'budget_holder' THEN NULLIF(btrim(d.recipient_email), '')
                                WHEN c.send_invoices_by_email THEN NULLIF(btrim(c.invoice_email), '')
                              END AS recipient) x
         WHERE d.billing_run_id = ${runId} AND d.kind = 'invoice' AND x.recipient IS NOT NULL
         ORDER BY d.id
        RETURNING id`,
  );
  return written.map((r) => r.id);
}

/**
 * `compliance_expiring` to every coordinator and admin, for each expiry reminder just raised (document
 * and threshold, from the compliance reminders job): the kind of document, whose, when it expires. Never
 * the document's notes. Run in the transaction that raises the reminders, which it marks notified.
 */
export async function writeComplianceNotifications(db: Queryable, reminders: ReadonlyArray<{ documentId: string; threshold: number }>): Promise<string[]> {
  if (reminders.length === 0) return [];
  const written = await rows<{ id: string }>(
    db,
    sql`WITH raised AS (
          SELECT * FROM unnest(${reminders.map((r) => r.documentId)}::uuid[], ${reminders.map((r) => r.threshold)}::int[]) AS x(document_id, threshold)),
        notified AS (
          UPDATE compliance_reminders r SET notified_at = now() FROM raised x
           WHERE r.document_id = x.document_id AND r.threshold = x.threshold
          RETURNING r.document_id, r.threshold, r.expires_on)
        INSERT INTO notifications (kind, recipient, data)
        SELECT 'compliance_expiring', u.email,
               jsonb_build_object('recipientName', u.name, 'documentKind', d.kind, 'subjectType', d.subject_type,
                                  'subjectName', COALESCE(su.name, pr.name), 'expiresOn', n.expires_on, 'daysBefore', n.threshold,
                                  'documentId', d.id)
          FROM notified n
          JOIN compliance_documents d ON d.id = n.document_id
          LEFT JOIN users su ON d.subject_type = 'user' AND su.id = d.subject_id
          LEFT JOIN programmes pr ON d.subject_type = 'programme' AND pr.id = d.subject_id
          CROSS JOIN users u
         WHERE u.role IN ('admin', 'coordinator') AND NULLIF(btrim(u.email), '') IS NOT NULL
         ORDER BY d.id, u.id
        RETURNING id`,
  );
  return written.map((r) => r.id);
}

/**
 * `consent_expiring` to each guardian with an email of each participant whose current consent (the
 * latest for its purpose, given) expires within 30 days of `today`: once per consent and address (a
 * unique index), however often the daily job runs. Answers the ids written.
 */
export async function writeConsentNotifications(db: Queryable, today: string): Promise<string[]> {
  const on = bind(today);
  const written = await rows<{ id: string }>(
    db,
    sql`INSERT INTO notifications (kind, recipient, data)
        SELECT DISTINCT ON (c.id, lower(${GUARDIAN_EMAIL})) 'consent_expiring', ${GUARDIAN_EMAIL},
               jsonb_build_object('guardianName', g.value->>'name', 'participantFirstName', p.first_name, 'purpose', c.purpose,
                                  'expiresOn', c.expires_on, 'consentId', c.id, 'participantId', p.id)
          FROM consents c
          JOIN participants p ON p.id = c.participant_id
          CROSS JOIN LATERAL jsonb_array_elements(p.guardians) WITH ORDINALITY AS g(value, n)
         WHERE c.given AND c.expires_on BETWEEN ${on}::date AND ${on}::date + 30
           AND p.erased_at IS NULL AND ${GUARDIAN_EMAIL} IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM consents later
                            WHERE later.participant_id = c.participant_id AND later.purpose = c.purpose
                              AND (later.recorded_on, later.id) > (c.recorded_on, c.id))
         ORDER BY c.id, lower(${GUARDIAN_EMAIL}), g.n
        ON CONFLICT ((data->>'consentId'), lower(recipient)) WHERE kind = 'consent_expiring' DO NOTHING
        RETURNING id`,
  );
  return written.map((r) => r.id);
}

/** The kinds of notification written about one child (`data.participantId`): exported with the child's record, anonymised by erasure. */
const ABOUT_A_CHILD = raw(`kind IN ('waitlist_promoted', 'session_cancelled', 'consent_expiring')`);

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  recipient: string;
  data: Record<string, unknown>;
  attachment_document_id: string | null;
  status: NotificationStatus;
  attempts: number;
  last_error: string | null;
  subject: string | null;
  smtp_message_id: string | null;
  created_at: Date;
  enqueued_at: Date | null;
  last_attempt_at: Date | null;
  sent_at: Date | null;
}

const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  kind: r.kind,
  recipient: r.recipient,
  data: r.data,
  attachmentDocumentId: r.attachment_document_id,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  subject: r.subject,
  smtpMessageId: r.smtp_message_id,
  createdAt: r.created_at,
  enqueuedAt: r.enqueued_at,
  lastAttemptAt: r.last_attempt_at,
  sentAt: r.sent_at,
});

/**
 * Erasure of a participant (right to erasure): the notifications about the child keep their kind, status
 * and times, but no longer name the child nor the family (recipient and subject become the erased
 * placeholder, the data only the participant's id); one still queued is failed instead of sent.
 * Invoices are money documents and keep theirs. Run in the erasure's transaction.
 */
export async function eraseNotificationsOf(db: Queryable, participantId: string): Promise<number> {
  return affected(
    db,
    sql`UPDATE notifications
           SET recipient = ${ERASED_TEXT}, subject = ${ERASED_TEXT}, data = jsonb_build_object('participantId', data->'participantId'),
               last_error = CASE WHEN status = 'queued' THEN 'Not sent: the participant was erased' ELSE last_error END,
               status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END, claimed_until = NULL
         WHERE ${ABOUT_A_CHILD} AND data->>'participantId' = ${participantId}::text`,
  );
}

/**
 * The notifications about participant `participantId` (to the child's guardians), oldest first: part of
 * the subject access export, read in its snapshot.
 */
export async function notificationsAbout(db: Queryable, participantId: string): Promise<Notification[]> {
  const found = await rows<NotificationRow>(db, sql`SELECT * FROM notifications WHERE ${ABOUT_A_CHILD} AND data->>'participantId' = ${participantId}::text ORDER BY id`);
  return found.map(toNotification);
}

/**
 * Every notification's SQL: writing the outbox rows (each in the transaction of its event, on the
 * manager it is given), and the outbox's dispatch and send states.
 *
 * The rows' `data` names only what the templates print: first names, the programme, dates, a document
 * number. Participants' needs and medical notes and case notes are never read here.
 */
@Injectable()
export class NotificationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * `session_cancelled` to each guardian with an email of each participant registered for the session's
   * programme and term (as its roster), once per address per session.
   */
  async writeSessionCancelled(db: Queryable, sessionId: string): Promise<string[]> {
    return this.ids(
      db,
      sql`INSERT INTO notifications (kind, recipient, data)
          SELECT DISTINCT ON (p.id, lower(${GUARDIAN_EMAIL})) 'session_cancelled', ${GUARDIAN_EMAIL},
                 jsonb_build_object('guardianName', g.value->>'name', 'participantFirstName', p.first_name,
                                    'programmeName', pr.name, 'sessionDate', s.date, 'startTime', to_char(s.start_time, 'HH24:MI'),
                                    'endTime', to_char(s.end_time, 'HH24:MI'), 'venue', s.venue, 'reason', s.cancellation_reason,
                                    'sessionId', s.id, 'participantId', p.id)
            FROM sessions s
            JOIN programmes pr ON pr.id = s.programme_id
            JOIN registrations r ON r.programme_id = s.programme_id AND r.term_id = s.term_id AND r.status = 'registered'
            JOIN participants p ON p.id = r.participant_id
            CROSS JOIN LATERAL jsonb_array_elements(p.guardians) WITH ORDINALITY AS g(value, n)
           WHERE s.id = ${sessionId} AND p.erased_at IS NULL AND ${GUARDIAN_EMAIL} IS NOT NULL
           ORDER BY p.id, lower(${GUARDIAN_EMAIL}), g.n
          RETURNING id`,
    );
  }

  /** `invoice_issued` for each invoice of billing run `runId` (writeInvoiceNotifications). */
  writeInvoicesIssued(db: Queryable, runId: string): Promise<string[]> {
    return writeInvoiceNotifications(db, runId);
  }

  /**
   * Queued notifications, oldest first (ids are time-ordered): `limit` of them after `after`. One not yet
   * enqueued and younger than `graceSeconds` is left to the request that wrote it, which is queueing it.
   */
  async inFlight(limit: number, graceSeconds: number, after: string | null = null): Promise<InFlightNotification[]> {
    const found = await rows<InFlightRow>(
      this.dataSource,
      sql`SELECT ${IN_FLIGHT_COLUMNS} FROM notifications
           WHERE status = 'queued' AND (${after}::uuid IS NULL OR id > ${after})
             AND (enqueued_at IS NOT NULL OR created_at < now() - make_interval(secs => ${graceSeconds}))
           ORDER BY id LIMIT ${limit}`,
    );
    return found.map(toInFlight);
  }

  async findInFlight(id: string): Promise<InFlightNotification | undefined> {
    const row = await one<InFlightRow>(this.dataSource, sql`SELECT ${IN_FLIGHT_COLUMNS} FROM notifications WHERE id = ${id} AND status = 'queued'`);
    return row && toInFlight(row);
  }

  /** The job of `generation` is in Redis (its worker may already have sent it: recorded whatever the status). */
  async markEnqueued(id: string, generation: number): Promise<void> {
    await execute(
      this.dataSource,
      sql`UPDATE notifications SET enqueued_at = COALESCE(enqueued_at, now()) WHERE id = ${id} AND dispatch_generation = ${generation}`,
    );
  }

  /** A queued notification whose job will not run moves to the next generation; nothing if another process did first. */
  async renew(id: string, generation: number): Promise<InFlightNotification | undefined> {
    const row = await one<InFlightRow>(
      this.dataSource,
      sql`UPDATE notifications SET dispatch_generation = dispatch_generation + 1, enqueued_at = NULL
           WHERE id = ${id} AND dispatch_generation = ${generation} AND status = 'queued'
          RETURNING ${IN_FLIGHT_COLUMNS}`,
    );
    return row && toInFlight(row);
  }

  /**
   * Claims a queued notification for one send (of dispatch generation `generation`, or any when
   * undefined) for `leaseMs`: nothing when it is sent or failed, of another generation, or held by another
   * sender whose lease has not run out. The claim counts the attempt.
   */
  async claim(id: string, generation: number | undefined, leaseMs: number): Promise<NotificationToSend | undefined> {
    const row = await one<ToSendRow>(
      this.dataSource,
      sql`UPDATE notifications
             SET claimed_until = clock_timestamp() + make_interval(secs => ${leaseMs / 1000}), attempts = attempts + 1,
                 last_attempt_at = clock_timestamp()
           WHERE id = ${id} AND status = 'queued' AND (${generation ?? null}::integer IS NULL OR dispatch_generation = ${generation ?? null})
             AND (claimed_until IS NULL OR claimed_until < clock_timestamp())
          RETURNING id, kind, recipient, data, attachment_document_id, attempts`,
    );
    return row && { id: row.id, kind: row.kind, recipient: row.recipient, data: row.data, attachmentDocumentId: row.attachment_document_id, attempts: row.attempts };
  }

  /** The SMTP server accepted the message: sent, for good (only a queued row moves). */
  async recordSent(id: string, subject: string, messageId: string): Promise<void> {
    await execute(
      this.dataSource,
      sql`UPDATE notifications SET status = 'sent', sent_at = clock_timestamp(), smtp_message_id = ${messageId}, subject = ${subject},
                 last_error = NULL, claimed_until = NULL
           WHERE id = ${id} AND status = 'queued'`,
    );
  }

  /** The send failed: queued again for Bull's next attempt, or failed for good; the claim is let go. */
  async recordFailure(id: string, status: Extract<NotificationStatus, 'queued' | 'failed'>, error: string): Promise<void> {
    await execute(
      this.dataSource,
      sql`UPDATE notifications SET status = ${status}, last_error = ${error.slice(0, 1000)}, claimed_until = NULL
           WHERE id = ${id} AND status = 'queued'`,
    );
  }

  private async ids(db: Queryable, statement: Statement): Promise<string[]> {
    return (await rows<{ id: string }>(db, statement)).map((r) => r.id);
  }
}
