import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, item 4 (API.md v1.1 "Session cancellation and attendance evidence"): the commissioner's credit
 * for a cancelled session.
 *
 * A new billing unit: (registration, 'cancelled:<session id>'), one per place billed per term to a
 * commissioner and per cancelled session it covered. Its single ledger entry (version 1, change -1) is the
 * credit; the ledger's primary key (registration_id, unit, version) makes it exist at most once, however
 * many runs repeat or race. The ledger's unit check learns the new unit; document lines learn the kind
 * 'cancelled_session', whose amounts, like a sessions line's, are the sums of their ledger entries (one
 * per place and session, each a share that may be a penny more than the base).
 *
 *   place_cancellation_shares  what each session a place billed per term was priced over is worth: the
 *                              place's price split over those sessions exactly as place_session_shares
 *                              splits a direct payment's (floor each, the pennies left one each to the
 *                              earliest, so the shares add up to the price). The sessions a price covered:
 *                              for a place counted at the census, every session of the programme-term that
 *                              is not a make-up (scheduled or cancelled: the price per term was fixed for
 *                              them all); for a late joiner, those dated on or after the day it took its
 *                              place and not already cancelled when its price was fixed (its pro-rata price
 *                              counted the scheduled sessions left then).
 *   place_priced_at            when a place's price was fixed: when the registration was written (its
 *                              registered_on may be backdated), or for a place promoted from the waitlist
 *                              the start of the (London) day it was promoted, whichever is later.
 *   place_cancellation_credit_pence  what a registration's cancelled sessions are credited, as of a day: for a
 *                              commissioner's billable place, the credits issued (fixed when issued) and the
 *                              shares of those owed and not yet issued (every cancelled session under
 *                              "credit"; under "make_up", once the term has ended, those no scheduled make-up
 *                              replaces); 0 for any other place. The term-end settlement (rule 12) commits
 *                              place_billable_pence less this: what the place is, in the end, billed.
 */
export class CancelledSessionCredits1764470000000 implements MigrationInterface {
  name = 'CancelledSessionCredits1764470000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE billing_ledger DROP CONSTRAINT billing_ledger_unit`);
    await db.query(`
      ALTER TABLE billing_ledger ADD CONSTRAINT billing_ledger_unit CHECK (
        (session_id IS NULL) = (session_date IS NULL)
        AND CASE WHEN unit LIKE 'cancelled:%'
                 THEN session_id IS NOT NULL AND unit = 'cancelled:' || session_id::text AND change = -1
                 ELSE unit = coalesce(session_id::text, 'place') END)
    `);
    await db.query(`ALTER TABLE document_lines DROP CONSTRAINT document_lines_kind_check`);
    await db.query(`ALTER TABLE document_lines DROP CONSTRAINT document_lines_amount`);
    await db.query(`ALTER TABLE document_lines DROP CONSTRAINT document_lines_vat`);
    await db.query(`ALTER TABLE document_lines DROP CONSTRAINT document_lines_references`);
    await db.query(`
      ALTER TABLE document_lines
        ADD CONSTRAINT document_lines_kind_check CHECK (kind IN ('census', 'late_joiner', 'sessions', 'cancelled_session')),
        ADD CONSTRAINT document_lines_amount CHECK (CASE WHEN kind IN ('sessions', 'cancelled_session')
          THEN amount_pence >= quantity::bigint * unit_pence AND amount_pence < quantity::bigint * (unit_pence + 1)
          ELSE amount_pence = quantity::bigint * unit_pence END),
        ADD CONSTRAINT document_lines_vat CHECK (CASE WHEN kind IN ('sessions', 'cancelled_session')
          THEN vat_pence >= quantity::bigint * vat_unit_pence AND vat_pence < quantity::bigint * (vat_unit_pence + 1)
          ELSE vat_pence = quantity::bigint * vat_unit_pence END),
        ADD CONSTRAINT document_lines_references CHECK (CASE WHEN kind IN ('sessions', 'cancelled_session')
          THEN cardinality(budget_references) BETWEEN 1 AND quantity
          ELSE cardinality(budget_references) = quantity END)
    `);
    await db.query(`
      CREATE OR REPLACE FUNCTION document_lines_check_ledger() RETURNS trigger AS $$
      DECLARE
        ledger_net bigint;
        ledger_vat bigint;
      BEGIN
        IF NEW.kind NOT IN ('sessions', 'cancelled_session') THEN
          RETURN NULL;
        END IF;
        SELECT coalesce(sum(amount_pence), 0), coalesce(sum(vat_pence), 0) INTO ledger_net, ledger_vat
          FROM billing_ledger WHERE document_id = NEW.document_id AND line = NEW.line;
        IF ledger_net <> NEW.amount_pence OR ledger_vat <> NEW.vat_pence THEN
          RAISE EXCEPTION 'line % of document % does not add up to its ledger entries', NEW.line, NEW.document_id USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
      END
      $$ LANGUAGE plpgsql
    `);
    // place_priced_at: when a place's price was fixed; tests: test/billing-cancelled-sessions.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION place_priced_at(p_created_at timestamptz, p_registered_on date)
      RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
        SELECT GREATEST(p_created_at, p_registered_on::timestamp AT TIME ZONE 'Europe/London')
      $$
    `);
    // place_cancellation_shares: a cancelled session's share of a place's price; tests: test/billing-cancelled-sessions.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION place_cancellation_shares(p_programme uuid, p_term uuid, p_registered_on date, p_late_joiner boolean, p_price integer,
                                                p_priced_at timestamptz)
      RETURNS TABLE (session_id uuid, session_date date, share_pence integer) LANGUAGE sql STABLE AS $$
        SELECT s.id, s.date,
               (p_price / count(*) OVER ()
                + CASE WHEN row_number() OVER (ORDER BY s.date, s.start_time, s.id) <= p_price % count(*) OVER () THEN 1 ELSE 0 END)::integer
          FROM sessions s
         WHERE s.programme_id = p_programme AND s.term_id = p_term AND s.replaces_session_id IS NULL
           AND (NOT p_late_joiner
                OR (s.date >= p_registered_on
                    AND (s.status = 'scheduled' OR s.cancelled_at > p_priced_at)))
      $$
    `);
    // place_cancellation_credit_pence: what a place's cancelled sessions are credited; tests: test/billing-properties.e2e-spec.ts, test/billing-cancelled-sessions.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION place_cancellation_credit_pence(p_registration uuid, p_on date)
      RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN r.billing = 'place' AND b.type = 'managed' AND place_billable(r.registered_on, r.withdrawal_effective_on, t.census_date)
                    THEN (SELECT coalesce(sum(x.amount_pence), 0) FROM billing_ledger x WHERE x.registration_id = r.id AND x.unit LIKE 'cancelled:%')
                       + (SELECT coalesce(sum(sh.share_pence), 0)
                            FROM place_cancellation_shares(r.programme_id, r.term_id, r.registered_on, r.registered_on > t.census_date, r.price_pence,
                                                           place_priced_at(r.created_at, r.registered_on)) sh
                            JOIN sessions s ON s.id = sh.session_id
                           WHERE s.status = 'cancelled'
                             AND NOT EXISTS (SELECT 1 FROM billing_ledger x WHERE x.registration_id = r.id AND x.unit = 'cancelled:' || s.id)
                             AND (c.cancelled_sessions = 'credit'
                                  OR (t.ends_on < p_on AND NOT EXISTS (SELECT 1 FROM sessions m WHERE m.replaces_session_id = s.id AND m.status = 'scheduled'))))
                    ELSE 0 END::integer
          FROM registrations r
          JOIN terms t ON t.id = r.term_id
          JOIN contracts c ON c.id = r.contract_id
          JOIN personal_budgets b ON b.id = r.budget_id
         WHERE r.id = p_registration
      $$
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION place_cancellation_credit_pence(uuid, date)`);
    await db.query(`DROP FUNCTION place_cancellation_shares(uuid, uuid, date, boolean, integer, timestamptz)`);
    await db.query(`DROP FUNCTION place_priced_at(timestamptz, date)`);
    await db.query(`DELETE FROM billing_ledger WHERE unit LIKE 'cancelled:%'`);
    await db.query(`
      CREATE OR REPLACE FUNCTION document_lines_check_ledger() RETURNS trigger AS $$
      DECLARE
        ledger_net bigint;
        ledger_vat bigint;
      BEGIN
        IF NEW.kind <> 'sessions' THEN
          RETURN NULL;
        END IF;
        SELECT coalesce(sum(amount_pence), 0), coalesce(sum(vat_pence), 0) INTO ledger_net, ledger_vat
          FROM billing_ledger WHERE document_id = NEW.document_id AND line = NEW.line;
        IF ledger_net <> NEW.amount_pence OR ledger_vat <> NEW.vat_pence THEN
          RAISE EXCEPTION 'line % of document % does not add up to its ledger entries', NEW.line, NEW.document_id USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
      END
      $$ LANGUAGE plpgsql
    `);
    await db.query(`
      ALTER TABLE document_lines
        DROP CONSTRAINT document_lines_kind_check,
        DROP CONSTRAINT document_lines_amount,
        DROP CONSTRAINT document_lines_vat,
        DROP CONSTRAINT document_lines_references
    `);
    await db.query(`
      ALTER TABLE document_lines
        ADD CONSTRAINT document_lines_kind_check CHECK (kind IN ('census', 'late_joiner', 'sessions')),
        ADD CONSTRAINT document_lines_amount CHECK (CASE WHEN kind = 'sessions'
          THEN amount_pence >= quantity::bigint * unit_pence AND amount_pence < quantity::bigint * (unit_pence + 1)
          ELSE amount_pence = quantity::bigint * unit_pence END),
        ADD CONSTRAINT document_lines_vat CHECK (CASE WHEN kind = 'sessions'
          THEN vat_pence >= quantity::bigint * vat_unit_pence AND vat_pence < quantity::bigint * (vat_unit_pence + 1)
          ELSE vat_pence = quantity::bigint * vat_unit_pence END),
        ADD CONSTRAINT document_lines_references CHECK (CASE WHEN kind = 'sessions'
          THEN cardinality(budget_references) BETWEEN 1 AND quantity
          ELSE cardinality(budget_references) = quantity END)
    `);
    await db.query(`ALTER TABLE billing_ledger DROP CONSTRAINT billing_ledger_unit`);
    await db.query(`
      ALTER TABLE billing_ledger ADD CONSTRAINT billing_ledger_unit CHECK (unit = coalesce(session_id::text, 'place') AND (session_id IS NULL) = (session_date IS NULL))
    `);
  }
}
