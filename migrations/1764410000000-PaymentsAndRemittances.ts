import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments with methods, remittances and their allocations, and the one definition of what is still
 * outstanding on an invoice.
 *
 * - `invoice_balances(as_of)` is THE definition of an invoice's outstanding amount: its total, less
 *   what credit notes issued up to `as_of` reverse of it (the ledger's `reverses_document_id`: a run's
 *   credit note may credit several invoices), less payments received up to `as_of`. Invoice responses,
 *   payments, remittance allocations, statements and the aged-debt report all read it. A credit note
 *   issued after an invoice was paid can leave it below zero: money owed back to the payer.
 * - A remittance is one sum from a council; its allocations are payment rows (`remittance_id`), so
 *   receipts, statements and invoice statuses see them like any payment. What is not allocated stays on
 *   account. `remittances.allocated_pence` is kept by the payments trigger in the same statement as each
 *   allocation, and its CHECK makes allocating more than the remittance impossible (DOMAIN rule 14).
 * - `payments_record()` guards every payment row, whoever inserts it: under a FOR NO KEY UPDATE lock on
 *   the invoice (so payments of one invoice queue up; a billing run's foreign-key KEY SHARE locks do
 *   not conflict with it) it refuses a payment of a credit note, one received before the invoice's issue
 *   date, one more than is outstanding now, and an allocation to an invoice that is not the remittance
 *   commissioner's own. The services check the same first to word the refusal; this is the invariant.
 *   Lock order: a remittance row (FOR UPDATE) before invoices, invoices in id order.
 * - Payments are money records: immutable once written.
 */
export class PaymentsAndRemittances1764410000000 implements MigrationInterface {
  name = 'PaymentsAndRemittances1764410000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE remittances (
        id               uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        commissioner_id  uuid NOT NULL REFERENCES commissioners (id),
        received_on      date NOT NULL,
        amount_pence     bigint NOT NULL CHECK (amount_pence > 0),
        reference        text NOT NULL,
        -- the sum of its allocations (payments.remittance_id), kept by payments_record()
        allocated_pence  bigint NOT NULL DEFAULT 0,
        recorded_by      uuid,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT remittances_allocated_within_amount CHECK (allocated_pence BETWEEN 0 AND amount_pence)
      )
    `);
    await db.query(`CREATE INDEX remittances_commissioner_idx ON remittances (commissioner_id, received_on)`);

    await db.query(`
      ALTER TABLE payments
        ADD COLUMN method text NOT NULL DEFAULT 'bacs'
          CONSTRAINT payments_method CHECK (method IN ('bacs', 'card', 'prepaid_card', 'standing_order', 'cheque', 'cash')),
        ADD COLUMN remittance_id uuid REFERENCES remittances (id)
    `);
    await db.query(`CREATE INDEX payments_remittance_idx ON payments (remittance_id) WHERE remittance_id IS NOT NULL`);

    // Inlined by the planner (one SELECT, STABLE): "WHERE document_id = ..." filters before it sums.
    // invoice_balances: what an invoice has been paid, credited and still owes (rule 14); tests: test/payments.e2e-spec.ts, test/remittances.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION invoice_balances(as_of date DEFAULT 'infinity')
        RETURNS TABLE (document_id uuid, total_pence bigint, credited_pence bigint, paid_pence bigint, outstanding_pence bigint)
        LANGUAGE sql STABLE AS $$
        SELECT d.id, d.total_pence, c.credited, p.paid, d.total_pence - c.credited - p.paid
          FROM documents d
          CROSS JOIN LATERAL (
            -- a ledger entry that reverses the invoice reduces it, whether the ledger records it as a
            -- positive amount (one unit credited: the v1 ledger) or as a signed negative difference
            SELECT coalesce(sum(abs(l.amount_pence + l.vat_pence)), 0)::bigint AS credited
              FROM billing_ledger l JOIN documents cn ON cn.id = l.document_id
             WHERE l.reverses_document_id = d.id AND cn.issue_date <= as_of) c
          CROSS JOIN LATERAL (
            SELECT coalesce(sum(pay.amount_pence), 0)::bigint AS paid
              FROM payments pay
             WHERE pay.document_id = d.id AND pay.received_on <= as_of) p
         WHERE d.kind = 'invoice' AND d.issue_date <= as_of
      $$
    `);

    await db.query(`
      CREATE FUNCTION payments_record() RETURNS trigger AS $$
      DECLARE
        doc record;
        owed bigint;
        payer uuid;
      BEGIN
        SELECT kind, recipient_type, commissioner_id, issue_date, number INTO doc
          FROM documents WHERE id = NEW.document_id FOR NO KEY UPDATE;
        IF doc.kind IS DISTINCT FROM 'invoice' THEN
          RAISE EXCEPTION 'payments are recorded against invoices only' USING ERRCODE = '23514', CONSTRAINT = 'payments_of_invoices';
        END IF;
        IF NEW.received_on < doc.issue_date THEN
          RAISE EXCEPTION 'a payment of % cannot be received before its issue date %', doc.number, doc.issue_date
            USING ERRCODE = '23514', CONSTRAINT = 'payments_received_after_issue';
        END IF;
        IF NEW.remittance_id IS NOT NULL THEN
          SELECT commissioner_id INTO payer FROM remittances WHERE id = NEW.remittance_id;
          IF doc.recipient_type <> 'commissioner' OR doc.commissioner_id IS DISTINCT FROM payer THEN
            RAISE EXCEPTION 'a remittance pays invoices addressed to its own commissioner only'
              USING ERRCODE = '23514', CONSTRAINT = 'payments_remittance_payer';
          END IF;
        END IF;
        SELECT outstanding_pence INTO owed FROM invoice_balances() WHERE document_id = NEW.document_id;
        IF NEW.amount_pence > owed THEN
          RAISE EXCEPTION 'a payment of % pence is more than the % pence outstanding on %', NEW.amount_pence, owed, doc.number
            USING ERRCODE = '23514', CONSTRAINT = 'payments_within_outstanding';
        END IF;
        IF NEW.remittance_id IS NOT NULL THEN
          -- remittances_allocated_within_amount refuses more than the remittance
          UPDATE remittances SET allocated_pence = allocated_pence + NEW.amount_pence WHERE id = NEW.remittance_id;
        END IF;
        RETURN NEW;
      END
      $$ LANGUAGE plpgsql
    `);
    await db.query(`CREATE TRIGGER payments_record BEFORE INSERT ON payments FOR EACH ROW EXECUTE FUNCTION payments_record()`);
    await db.query(`
      CREATE TRIGGER payments_immutable BEFORE UPDATE OR DELETE ON payments
        FOR EACH ROW EXECUTE FUNCTION refuse_change_to_issued()
    `);
    await db.query(`
      CREATE TRIGGER payments_no_truncate BEFORE TRUNCATE ON payments
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_issued()
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER payments_no_truncate ON payments`);
    await db.query(`DROP TRIGGER payments_immutable ON payments`);
    await db.query(`DROP TRIGGER payments_record ON payments`);
    await db.query(`DROP FUNCTION payments_record()`);
    await db.query(`DROP FUNCTION invoice_balances(date)`);
    await db.query(`DROP INDEX payments_remittance_idx`);
    await db.query(`ALTER TABLE payments DROP COLUMN remittance_id, DROP COLUMN method`);
    await db.query(`DROP TABLE remittances`);
  }
}
