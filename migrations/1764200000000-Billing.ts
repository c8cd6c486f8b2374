import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Quarterly billing: runs (an outbox for the Bull queue), money documents (invoices and credit notes,
 * immutable once issued, numbered from counter rows without gaps), the billing ledger that makes double
 * billing impossible by construction, payments, and finance exports (each document exported once).
 */
export class Billing1764200000000 implements MigrationInterface {
  name = 'Billing1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE billing_runs (
        id                   uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        quarter              text NOT NULL CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$'),
        status               text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        trigger              text NOT NULL DEFAULT 'api' CHECK (trigger IN ('api', 'schedule')),
        requested_by         uuid,
        -- the London date the run billed as at (its documents' issue date)
        run_on               date,
        attempts             integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        error                text,
        -- outbox: NULL until the Bull job for this dispatch generation is known to be in Redis
        enqueued_at          timestamptz,
        -- bumped by POST /billing-runs/:id/retry so the retry gets a fresh deterministic job id
        dispatch_generation  integer NOT NULL DEFAULT 0 CHECK (dispatch_generation >= 0),
        invoice_count        integer NOT NULL DEFAULT 0,
        credit_note_count    integer NOT NULL DEFAULT 0,
        -- invoices minus credit notes, VAT included
        total_pence          bigint NOT NULL DEFAULT 0,
        created_at           timestamptz NOT NULL DEFAULT now(),
        started_at           timestamptz,
        completed_at         timestamptz,
        updated_at           timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT billing_runs_completed CHECK ((status = 'completed') = (completed_at IS NOT NULL))
      )
    `);
    // One queued or running run per quarter: a second request (even a concurrent one) gets the active run.
    await db.query(`CREATE UNIQUE INDEX billing_runs_one_active ON billing_runs (quarter) WHERE status IN ('queued', 'running')`);
    await db.query(`CREATE INDEX billing_runs_outbox_idx ON billing_runs (created_at) WHERE status = 'queued'`);

    // Rule 6: numbers come from these rows, updated in the same transaction as the documents they number.
    await db.query(`
      CREATE TABLE document_counters (
        series       text PRIMARY KEY CHECK (series IN ('INV', 'CN')),
        last_number  bigint NOT NULL DEFAULT 0 CHECK (last_number BETWEEN 0 AND 999999)
      )
    `);
    await db.query(`INSERT INTO document_counters (series) VALUES ('INV'), ('CN')`);

    await db.query(`
      CREATE TABLE documents (
        id                    uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        series                text NOT NULL REFERENCES document_counters (series),
        seq                   integer NOT NULL CHECK (seq >= 1),
        number                text NOT NULL UNIQUE,
        kind                  text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
        billing_run_id        uuid REFERENCES billing_runs (id),
        recipient_type        text NOT NULL CHECK (recipient_type IN ('commissioner', 'budget_holder')),
        commissioner_id       uuid NOT NULL REFERENCES commissioners (id),
        -- no foreign key: the document keeps its own snapshot whatever happens to the budget later
        budget_id             uuid,
        recipient_name        text NOT NULL,
        recipient_email       text,
        recipient_address     text,
        customer_code         text NOT NULL,
        issue_date            date NOT NULL,
        due_date              date NOT NULL,
        po_number             text,
        net_pence             bigint NOT NULL CHECK (net_pence >= 0),
        vat_pence             bigint NOT NULL CHECK (vat_pence >= 0),
        total_pence           bigint NOT NULL,
        credited_document_id  uuid REFERENCES documents (id),
        reason                text,
        created_by            uuid,
        created_at            timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT documents_series_seq_key UNIQUE (series, seq),
        CONSTRAINT documents_kind_series CHECK ((kind = 'invoice') = (series = 'INV')),
        CONSTRAINT documents_number_format CHECK (number = series || '-' || lpad(seq::text, 6, '0')),
        CONSTRAINT documents_total CHECK (total_pence = net_pence + vat_pence),
        CONSTRAINT documents_recipient CHECK (recipient_type = 'commissioner' OR budget_id IS NOT NULL),
        CONSTRAINT documents_due_date CHECK (due_date >= issue_date),
        CONSTRAINT documents_credit_note_credits CHECK (kind = 'credit_note' OR credited_document_id IS NULL)
      )
    `);
    await db.query(`CREATE INDEX documents_billing_run_idx ON documents (billing_run_id)`);
    await db.query(`CREATE INDEX documents_commissioner_idx ON documents (commissioner_id, kind)`);
    await db.query(`CREATE INDEX documents_credited_idx ON documents (credited_document_id) WHERE credited_document_id IS NOT NULL`);

    // One line per programme-term (and price) of a document; one budget reference per unit of quantity.
    await db.query(`
      CREATE TABLE document_lines (
        document_id        uuid NOT NULL REFERENCES documents (id),
        line               integer NOT NULL CHECK (line >= 1),
        description        text NOT NULL,
        programme_id       uuid NOT NULL REFERENCES programmes (id),
        term_id            uuid NOT NULL REFERENCES terms (id),
        contract_id        uuid NOT NULL REFERENCES contracts (id),
        period_start       date NOT NULL,
        period_end         date NOT NULL,
        quantity           integer NOT NULL CHECK (quantity >= 1),
        unit_pence         integer NOT NULL CHECK (unit_pence >= 0),
        amount_pence       bigint NOT NULL,
        vat_unit_pence     integer NOT NULL CHECK (vat_unit_pence >= 0),
        vat_pence          bigint NOT NULL,
        budget_references  text[] NOT NULL,
        PRIMARY KEY (document_id, line),
        CONSTRAINT document_lines_amount CHECK (amount_pence = quantity::bigint * unit_pence),
        CONSTRAINT document_lines_vat CHECK (vat_pence = quantity::bigint * vat_unit_pence),
        CONSTRAINT document_lines_references CHECK (cardinality(budget_references) = quantity),
        CONSTRAINT document_lines_period CHECK (period_start <= period_end)
      )
    `);

    // A document's totals are the sums of its lines, checked when the transaction that issues it commits.
    await db.query(`
      CREATE FUNCTION documents_check_totals() RETURNS trigger AS $$
      DECLARE
        lines_net bigint;
        lines_vat bigint;
      BEGIN
        SELECT coalesce(sum(amount_pence), 0), coalesce(sum(vat_pence), 0) INTO lines_net, lines_vat
          FROM document_lines WHERE document_id = NEW.id;
        IF lines_net <> NEW.net_pence OR lines_vat <> NEW.vat_pence
           OR NOT EXISTS (SELECT 1 FROM document_lines WHERE document_id = NEW.id) THEN
          RAISE EXCEPTION 'document % does not add up to its lines', NEW.number USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
      END
      $$ LANGUAGE plpgsql
    `);
    await db.query(`
      CREATE CONSTRAINT TRIGGER documents_totals_match_lines AFTER INSERT ON documents
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION documents_check_totals()
    `);

    // What has been billed, per registration: version 1 invoiced (+1), 2 credited (-1), 3 invoiced again...
    // A rerun reads each registration's latest version v and writes v + 1, so two runs computing from the
    // same state collide on the primary key and one of them rolls back whole.
    await db.query(`
      CREATE TABLE billing_ledger (
        registration_id       uuid NOT NULL REFERENCES registrations (id),
        version               integer NOT NULL CHECK (version >= 1),
        previous_version      integer GENERATED ALWAYS AS (NULLIF(version - 1, 0)) STORED,
        change                smallint NOT NULL,
        programme_id          uuid NOT NULL,
        term_id               uuid NOT NULL,
        document_id           uuid NOT NULL,
        line                  integer NOT NULL,
        -- snapshot: the budget reference the unit was billed under
        budget_reference      text NOT NULL,
        -- per participant unit, as billed (a credit repeats the amounts of the entry it reverses)
        amount_pence          integer NOT NULL CHECK (amount_pence >= 0),
        vat_pence             integer NOT NULL CHECK (vat_pence >= 0),
        -- for a credit (-1): the invoice whose +1 entry it reverses
        reverses_document_id  uuid REFERENCES documents (id),
        created_at            timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (registration_id, version),
        FOREIGN KEY (document_id, line) REFERENCES document_lines (document_id, line),
        FOREIGN KEY (registration_id, previous_version) REFERENCES billing_ledger (registration_id, version),
        CONSTRAINT billing_ledger_alternates CHECK (change = CASE WHEN version % 2 = 1 THEN 1 ELSE -1 END),
        CONSTRAINT billing_ledger_reversal CHECK ((change = -1) = (reverses_document_id IS NOT NULL))
      )
    `);
    await db.query(`CREATE INDEX billing_ledger_programme_term_idx ON billing_ledger (programme_id, term_id)`);
    await db.query(`CREATE INDEX billing_ledger_document_idx ON billing_ledger (document_id)`);
    await db.query(`CREATE INDEX billing_ledger_reverses_idx ON billing_ledger (reverses_document_id) WHERE reverses_document_id IS NOT NULL`);

    await db.query(`
      CREATE FUNCTION refuse_change_to_issued() RETURNS trigger AS $$
      BEGIN
        RAISE EXCEPTION '% rows are immutable once issued: correct with a credit note or a supplementary invoice', TG_TABLE_NAME
          USING ERRCODE = '55000';
      END
      $$ LANGUAGE plpgsql
    `);
    for (const table of ['documents', 'document_lines', 'billing_ledger']) {
      await db.query(`
        CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION refuse_change_to_issued()
      `);
      await db.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_issued()
      `);
    }

    await db.query(`
      CREATE TABLE payments (
        id            uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        document_id   uuid NOT NULL REFERENCES documents (id),
        amount_pence  integer NOT NULL CHECK (amount_pence > 0),
        received_on   date NOT NULL,
        reference     text NOT NULL,
        recorded_by   uuid,
        created_at    timestamptz NOT NULL DEFAULT now()
      )
    `);
    await db.query(`CREATE INDEX payments_document_idx ON payments (document_id)`);

    await db.query(`
      CREATE TABLE finance_exports (
        id              uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        source          text NOT NULL CHECK (source IN ('api', 'cli')),
        created_by      uuid,
        document_count  integer NOT NULL DEFAULT 0,
        row_count       integer NOT NULL DEFAULT 0,
        -- invoices minus credit notes, VAT included
        total_pence     bigint NOT NULL DEFAULT 0,
        created_at      timestamptz NOT NULL DEFAULT now()
      )
    `);
    // Each document is exported exactly once: two exports racing for it collide here.
    await db.query(`
      CREATE TABLE finance_export_documents (
        export_id    uuid NOT NULL REFERENCES finance_exports (id),
        document_id  uuid NOT NULL UNIQUE REFERENCES documents (id),
        PRIMARY KEY (export_id, document_id)
      )
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE finance_export_documents`);
    await db.query(`DROP TABLE finance_exports`);
    await db.query(`DROP TABLE payments`);
    await db.query(`DROP TABLE billing_ledger`);
    await db.query(`DROP TABLE document_lines`);
    await db.query(`DROP TABLE documents`);
    await db.query(`DROP FUNCTION refuse_change_to_issued()`);
    await db.query(`DROP FUNCTION documents_check_totals()`);
    await db.query(`DROP TABLE document_counters`);
    await db.query(`DROP TABLE billing_runs`);
  }
}
