import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15, notifications by email (API.md v1.1 "Notifications"; DOMAIN rule 18).
 *
 * `notifications` is the third outbox (after billing runs and safeguarding alerts): one row per message
 * and recipient, written in the transaction of the event that causes it, then sent by the `mail` Bull
 * queue. `data` holds what the kind's template needs (names, dates, a document id: never medical notes
 * nor case-note text); the bodies are rendered from src/notifications/templates when the message is sent.
 *
 * Never sent twice: a send first claims the row (claimed_until, a conditional UPDATE on a queued row
 * nobody holds), and records `sent` with the SMTP server's message id as soon as the server accepted it;
 * a job for a row already sent does nothing. dispatch_generation/enqueued_at as the other outboxes.
 *
 * Commissioners gain send_invoices_by_email (default false).
 */
export class Notifications1764480000000 implements MigrationInterface {
  name = 'Notifications1764480000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notifications (
        id                   uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        kind                 text NOT NULL
                             CHECK (kind IN ('invoice_issued', 'session_cancelled', 'waitlist_promoted', 'consent_expiring', 'compliance_expiring')),
        recipient            text NOT NULL CHECK (length(recipient) BETWEEN 3 AND 320),
        -- what the template needs; ids of the records it is about
        data                 jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(data) = 'object'),
        -- the billing document rendered as a PDF and attached when sent (invoice_issued)
        attachment_document_id uuid REFERENCES documents (id),
        -- queued: waiting to be sent (also while no SMTP_URL is configured); sent; failed: every attempt failed
        status               text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
        attempts             integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error           text,
        -- the subject as sent
        subject              text,
        smtp_message_id      text,
        created_at           timestamptz NOT NULL DEFAULT now(),
        dispatch_generation  integer NOT NULL DEFAULT 0 CHECK (dispatch_generation >= 0),
        enqueued_at          timestamptz,
        -- a sender holds the row until then (a worker that died mid-send lets it go when it passes)
        claimed_until        timestamptz,
        last_attempt_at      timestamptz,
        sent_at              timestamptz,
        CONSTRAINT notifications_sent CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
        CONSTRAINT notifications_sent_has_message_id CHECK (status <> 'sent' OR smtp_message_id IS NOT NULL)
      )
    `);
    await db.query(`CREATE INDEX notifications_queued_idx ON notifications (id) WHERE status = 'queued'`);
    await db.query(`CREATE INDEX notifications_kind_status_idx ON notifications (kind, status, id)`);
    // a consent's expiry is told to each guardian once, however often the daily job runs
    await db.query(`
      CREATE UNIQUE INDEX notifications_consent_expiring_once ON notifications ((data->>'consentId'), lower(recipient))
        WHERE kind = 'consent_expiring'
    `);
    await db.query(`ALTER TABLE commissioners ADD COLUMN send_invoices_by_email boolean NOT NULL DEFAULT false`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE commissioners DROP COLUMN send_invoices_by_email`);
    await db.query(`DROP TABLE notifications`);
  }
}
