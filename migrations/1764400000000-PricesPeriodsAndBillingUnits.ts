import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RegistrationLockOrder1764320000000 } from './1764320000000-RegistrationLockOrder.js';

/**
 * Issue 9 (API.md v1.1, DOMAIN rules 3, 5-7, 11-13): prices fixed when a place is taken, contract
 * periods, late joiners, direct payments billed per quarter by the session, VAT treatment and ledger
 * codes, council client ids.
 *
 * The money rules that must run in SQL are defined here once and called from TypeScript:
 *   place_price          the price a place takes: the contract period's price in force on the term's first
 *                        day; a late joiner (place taken after the census) pro rata by the sessions left
 *                        (round half up), or 0 when the contract says late joiners are not billed
 *   place_billable       whether a place billed per term is billable (the census rule, extended to late
 *                        joiners: not withdrawn effective on or before max(registered_on, census))
 *   place_session_shares a place billed by the session: its price split over the sessions it was priced
 *                        for (not cancelled, dated on or after registered_on), floor each, the pennies left
 *                        one each to the earliest
 *   place_billable_pence what a registration will be billed in total (billing, commitments, the term-end
 *                        settlement all use it)
 * and place_registration, promote_from_waitlist and withdraw_registration use them (the lock order of
 * migration 1764320000000 is unchanged).
 *
 * The billing ledger becomes a ledger of units: (registration, unit) where unit is 'place' for a place
 * billed per term and a session id for a direct payment's session; each unit has its own version chain,
 * and an entry is the difference between what the unit should be billed and what it has been (amounts
 * are magnitudes, `change` their sign). Existing rows become 'place' units unchanged.
 */
export class PricesPeriodsAndBillingUnits1764400000000 implements MigrationInterface {
  name = 'PricesPeriodsAndBillingUnits1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);

    // ---- contracts: periods, late joiners, VAT treatment, ledger codes
    await db.query(`
      CREATE TABLE contract_periods (
        contract_id           uuid NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
        starts_on             date NOT NULL,
        ends_on               date NOT NULL,
        price_per_term_pence  integer NOT NULL CHECK (price_per_term_pence >= 0),
        po_number             text,
        PRIMARY KEY (contract_id, starts_on),
        CONSTRAINT contract_periods_dates CHECK (starts_on <= ends_on),
        CONSTRAINT contract_periods_no_overlap EXCLUDE USING gist (contract_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
      )
    `);
    await db.query(`
      INSERT INTO contract_periods (contract_id, starts_on, ends_on, price_per_term_pence, po_number)
      SELECT id, starts_on, ends_on, price_per_term_pence, po_number FROM contracts
    `);
    // Every contract, however inserted, starts with one period: its dates, price and PO.
    await db.query(`
      CREATE FUNCTION contracts_first_period() RETURNS trigger AS $$
      BEGIN
        INSERT INTO contract_periods (contract_id, starts_on, ends_on, price_per_term_pence, po_number)
        VALUES (NEW.id, NEW.starts_on, NEW.ends_on, NEW.price_per_term_pence, NEW.po_number);
        RETURN NULL;
      END
      $$ LANGUAGE plpgsql
    `);
    await db.query(`CREATE TRIGGER contracts_first_period AFTER INSERT ON contracts FOR EACH ROW EXECUTE FUNCTION contracts_first_period()`);
    await db.query(`
      ALTER TABLE contracts
        ADD COLUMN late_joiners text NOT NULL DEFAULT 'pro_rata' CHECK (late_joiners IN ('pro_rata', 'not_billed')),
        ADD COLUMN vat_treatment text,
        ADD COLUMN nominal_code text,
        ADD COLUMN department_code text
    `);
    await db.query(`UPDATE contracts SET vat_treatment = CASE WHEN vat_rate_basis_points > 0 THEN 'standard' ELSE 'exempt' END`);
    await db.query(`
      ALTER TABLE contracts
        ALTER COLUMN vat_treatment SET NOT NULL,
        ALTER COLUMN vat_treatment SET DEFAULT 'exempt',
        ADD CONSTRAINT contracts_vat_treatment CHECK (vat_treatment IN ('exempt', 'standard', 'zero', 'outside_scope')),
        ADD CONSTRAINT contracts_only_standard_has_a_rate CHECK (vat_treatment = 'standard' OR vat_rate_basis_points = 0)
    `);
    // rows inserted without a treatment (seeds): standard when they carry a rate
    await db.query(`
      CREATE FUNCTION contracts_default_vat_treatment() RETURNS trigger AS $$
      BEGIN
        IF NEW.vat_rate_basis_points > 0 AND NEW.vat_treatment = 'exempt' AND TG_OP = 'INSERT' THEN
          NEW.vat_treatment := 'standard';
        END IF;
        RETURN NEW;
      END
      $$ LANGUAGE plpgsql
    `);
    await db.query(`
      CREATE TRIGGER contracts_default_vat_treatment BEFORE INSERT ON contracts FOR EACH ROW EXECUTE FUNCTION contracts_default_vat_treatment()
    `);

    // ---- sessions: a later issue cancels them; every count of sessions for money ignores cancelled ones
    await db.query(`
      ALTER TABLE sessions ADD COLUMN status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled'))
    `);

    // ---- registrations: the PO fixed with the price; how the place is billed; a commitment that follows the sessions
    await db.query(`
      ALTER TABLE registrations
        ADD COLUMN po_number text,
        ADD COLUMN billing text NOT NULL DEFAULT 'place' CHECK (billing IN ('place', 'sessions'))
    `);
    await db.query(`UPDATE registrations r SET po_number = c.po_number FROM contracts c WHERE c.id = r.contract_id`);
    // A direct payment not yet billed is billed by the session from now on; one billed per term before
    // (it has ledger entries) stays a per-term place, so nothing is billed twice.
    await db.query(`
      UPDATE registrations r SET billing = 'sessions'
        FROM personal_budgets b
       WHERE b.id = r.budget_id AND b.type = 'direct_payment'
         AND NOT EXISTS (SELECT 1 FROM billing_ledger l WHERE l.registration_id = r.id)
    `);
    await db.query(`ALTER TABLE registrations DROP CONSTRAINT registrations_commitment`);
    await db.query(`ALTER TABLE registrations ADD CONSTRAINT registrations_commitment CHECK (committed_pence BETWEEN 0 AND price_pence)`);

    // ---- budgets and participants
    await db.query(`
      ALTER TABLE personal_budgets ADD COLUMN holder_address jsonb
        CHECK (holder_address IS NULL OR (jsonb_typeof(holder_address -> 'lines') = 'array' AND jsonb_typeof(holder_address -> 'postcode') = 'string'))
    `);
    await db.query(`
      CREATE TABLE participant_council_ids (
        participant_id   uuid NOT NULL REFERENCES participants (id),
        commissioner_id  uuid NOT NULL REFERENCES commissioners (id),
        council_id       text NOT NULL CHECK (length(council_id) BETWEEN 1 AND 100),
        PRIMARY KEY (participant_id, commissioner_id)
      )
    `);

    // ---- document lines: kind, VAT treatment and ledger codes, council ids (snapshots)
    await db.query(`
      ALTER TABLE document_lines
        ADD COLUMN kind text NOT NULL DEFAULT 'census' CHECK (kind IN ('census', 'late_joiner', 'sessions')),
        ADD COLUMN council_ids text[],
        ADD COLUMN vat_treatment text CHECK (vat_treatment IN ('exempt', 'standard', 'zero', 'outside_scope')),
        ADD COLUMN vat_rate_basis_points integer,
        ADD COLUMN nominal_code text,
        ADD COLUMN department_code text
    `);
    // Issued lines are immutable; the snapshot of what they already were is written once, here.
    await db.query(`ALTER TABLE document_lines DISABLE TRIGGER document_lines_immutable`);
    await db.query(`
      UPDATE document_lines l
         SET council_ids = array_fill(NULL::text, ARRAY[cardinality(l.budget_references)]),
             vat_treatment = CASE WHEN c.vat_rate_basis_points > 0 OR l.vat_unit_pence > 0 THEN 'standard' ELSE 'exempt' END,
             vat_rate_basis_points = c.vat_rate_basis_points
        FROM contracts c WHERE c.id = l.contract_id
    `);
    await db.query(`ALTER TABLE document_lines ENABLE TRIGGER document_lines_immutable`);
    await db.query(`
      ALTER TABLE document_lines
        ALTER COLUMN council_ids SET NOT NULL,
        ALTER COLUMN vat_treatment SET NOT NULL,
        ALTER COLUMN vat_treatment SET DEFAULT 'exempt',
        ALTER COLUMN vat_rate_basis_points SET NOT NULL,
        ALTER COLUMN vat_rate_basis_points SET DEFAULT 0,
        DROP CONSTRAINT document_lines_amount,
        DROP CONSTRAINT document_lines_vat,
        DROP CONSTRAINT document_lines_references,
        ADD CONSTRAINT document_lines_council_ids CHECK (cardinality(council_ids) = cardinality(budget_references)),
        -- a place line: quantity places at one price; a sessions line: quantity sessions at the base
        -- per-session price or a penny more (the split of a price gives the earliest sessions a penny more)
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

    // ---- the billing ledger: units
    await db.query(`ALTER TABLE billing_ledger DROP CONSTRAINT billing_ledger_registration_id_previous_version_fkey`);
    await db.query(`ALTER TABLE billing_ledger DROP CONSTRAINT billing_ledger_pkey`);
    await db.query(`ALTER TABLE billing_ledger DROP CONSTRAINT billing_ledger_alternates`);
    await db.query(`
      ALTER TABLE billing_ledger
        ADD COLUMN unit text NOT NULL DEFAULT 'place',
        ADD COLUMN session_id uuid REFERENCES sessions (id),
        ADD COLUMN session_date date,
        ADD COLUMN council_id text,
        ADD PRIMARY KEY (registration_id, unit, version),
        ADD FOREIGN KEY (registration_id, unit, previous_version) REFERENCES billing_ledger (registration_id, unit, version),
        ADD CONSTRAINT billing_ledger_unit CHECK (unit = coalesce(session_id::text, 'place') AND (session_id IS NULL) = (session_date IS NULL)),
        ADD CONSTRAINT billing_ledger_change CHECK (change IN (1, -1) AND amount_pence > 0)
    `);
    await db.query(`ALTER TABLE billing_ledger ALTER COLUMN unit DROP DEFAULT`);
    await db.query(`CREATE INDEX billing_ledger_document_line_idx ON billing_ledger (document_id, line)`);
    await db.query(`DROP INDEX billing_ledger_document_idx`);
    await db.query(`CREATE INDEX billing_ledger_sessions_idx ON billing_ledger (session_date) WHERE session_id IS NOT NULL`);

    // A sessions line is the sum of its ledger entries, checked when the transaction that issues it commits.
    await db.query(`
      CREATE FUNCTION document_lines_check_ledger() RETURNS trigger AS $$
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
      CREATE CONSTRAINT TRIGGER document_lines_match_ledger AFTER INSERT ON document_lines
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION document_lines_check_ledger()
    `);

    // ---- the money rules
    // place_billable: whether a place billed per term is billable (census rule extended to late joiners); cases: test/census-rule.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION place_billable(p_registered_on date, p_withdrawal_effective_on date, p_census_date date)
      RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
        SELECT p_registered_on IS NOT NULL
           AND (p_withdrawal_effective_on IS NULL OR p_withdrawal_effective_on > GREATEST(p_registered_on, p_census_date))
      $$
    `);
    // contract_period_on: the contract period (price, PO) in force on a day (rule 11); tests: test/billing-v11.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION contract_period_on(p_contract uuid, p_on date, OUT price_per_term_pence integer, OUT po_number text)
      LANGUAGE sql STABLE AS $$
        SELECT coalesce(cp.price_per_term_pence, c.price_per_term_pence), CASE WHEN cp.contract_id IS NULL THEN c.po_number ELSE cp.po_number END
          FROM contracts c
          LEFT JOIN contract_periods cp ON cp.contract_id = c.id AND p_on BETWEEN cp.starts_on AND cp.ends_on
         WHERE c.id = p_contract
      $$
    `);
    // place_price: the price a place takes (rules 11, 12: late joiners pro rata); tests: test/billing-v11.e2e-spec.ts, test/cancellation.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION place_price(p_contract uuid, p_programme uuid, p_term uuid, p_registered_on date)
      RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT CASE
                 WHEN p_registered_on IS NULL OR p_registered_on <= t.census_date THEN cp.price_per_term_pence
                 WHEN c.late_joiners = 'not_billed' THEN 0
                 WHEN s.n = 0 THEN cp.price_per_term_pence
                 ELSE ((2 * cp.price_per_term_pence::bigint * s.k + s.n) / (2 * s.n))::integer
               END
          FROM terms t
          JOIN contracts c ON c.id = p_contract
          CROSS JOIN LATERAL contract_period_on(c.id, t.starts_on) cp
          CROSS JOIN LATERAL (
            SELECT count(*) AS n, count(*) FILTER (WHERE x.date >= p_registered_on) AS k
              FROM sessions x WHERE x.programme_id = p_programme AND x.term_id = p_term AND x.status = 'scheduled') s
         WHERE t.id = p_term
      $$
    `);
    // place_session_shares: a direct payment's price split over its sessions (rule 13); tests: test/billing-v11.e2e-spec.ts, test/billing-properties.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION place_session_shares(p_programme uuid, p_term uuid, p_registered_on date, p_price integer)
      RETURNS TABLE (session_id uuid, session_date date, share_pence integer) LANGUAGE sql STABLE AS $$
        SELECT s.id, s.date,
               (p_price / count(*) OVER ()
                + CASE WHEN row_number() OVER (ORDER BY s.date, s.start_time, s.id) <= p_price % count(*) OVER () THEN 1 ELSE 0 END)::integer
          FROM sessions s
         WHERE s.programme_id = p_programme AND s.term_id = p_term AND s.status = 'scheduled' AND s.date >= p_registered_on
      $$
    `);
    // place_billable_pence: what a registration is billed in total (rules 12, 13); tests: test/billing-properties.e2e-spec.ts, test/withdrawal.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION place_billable_pence(p_billing text, p_programme uuid, p_term uuid, p_registered_on date,
                                           p_withdrawal_effective_on date, p_price integer)
      RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT CASE
                 WHEN p_registered_on IS NULL THEN 0
                 WHEN p_billing = 'place' THEN
                   CASE WHEN place_billable(p_registered_on, p_withdrawal_effective_on, (SELECT census_date FROM terms WHERE id = p_term))
                        THEN p_price ELSE 0 END
                 ELSE coalesce((SELECT sum(sh.share_pence) FROM place_session_shares(p_programme, p_term, p_registered_on, p_price) sh
                                 WHERE p_withdrawal_effective_on IS NULL OR sh.session_date < p_withdrawal_effective_on), 0)::integer
               END
      $$
    `);

    // ---- registering, promoting, withdrawing with those rules
    await db.query(`DROP FUNCTION place_registration(uuid, uuid, uuid, uuid, uuid, integer, date, uuid, date)`);
    await db.query(PLACE_REGISTRATION);
    await db.query(PROMOTE_FROM_WAITLIST);
    await db.query(WITHDRAW_REGISTRATION);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION place_registration(uuid, uuid, uuid, uuid, uuid, date, uuid, date)`);
    // the definitions of migration 1764320000000, as they were (its up() replaces this stub)
    await db.query(`
      CREATE FUNCTION place_registration(
        p_participant uuid, p_programme uuid, p_term uuid, p_budget uuid, p_contract uuid,
        p_price integer, p_registered_on date, p_created_by uuid, p_today date,
        OUT registration jsonb, OUT waitlist_position bigint, OUT remaining integer)
      LANGUAGE sql AS $$ SELECT NULL::jsonb, NULL::bigint, NULL::integer $$
    `);
    await new RegistrationLockOrder1764320000000().up(db);
    await db.query(`DROP FUNCTION place_billable_pence(text, uuid, uuid, date, date, integer)`);
    await db.query(`DROP FUNCTION place_session_shares(uuid, uuid, date, integer)`);
    await db.query(`DROP FUNCTION place_price(uuid, uuid, uuid, date)`);
    await db.query(`DROP FUNCTION contract_period_on(uuid, date)`);
    await db.query(`DROP FUNCTION place_billable(date, date, date)`);
    await db.query(`DROP TRIGGER document_lines_match_ledger ON document_lines`);
    await db.query(`DROP FUNCTION document_lines_check_ledger()`);
    // Ledger entries of sessions cannot be expressed in the old shape: down() refuses when there are any.
    await db.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM billing_ledger WHERE unit <> 'place') THEN
          RAISE EXCEPTION 'the billing ledger holds session entries: this migration cannot be reverted';
        END IF;
      END $$
    `);
    await db.query(`DROP INDEX billing_ledger_sessions_idx`);
    await db.query(`DROP INDEX billing_ledger_document_line_idx`);
    await db.query(`CREATE INDEX billing_ledger_document_idx ON billing_ledger (document_id)`);
    await db.query(`ALTER TABLE billing_ledger DROP CONSTRAINT billing_ledger_registration_id_unit_previous_version_fkey`);
    await db.query(`ALTER TABLE billing_ledger DROP CONSTRAINT billing_ledger_pkey`);
    await db.query(`
      ALTER TABLE billing_ledger
        DROP CONSTRAINT billing_ledger_unit, DROP CONSTRAINT billing_ledger_change,
        DROP COLUMN unit, DROP COLUMN session_id, DROP COLUMN session_date, DROP COLUMN council_id,
        ADD PRIMARY KEY (registration_id, version),
        ADD FOREIGN KEY (registration_id, previous_version) REFERENCES billing_ledger (registration_id, version),
        ADD CONSTRAINT billing_ledger_alternates CHECK (change = CASE WHEN version % 2 = 1 THEN 1 ELSE -1 END)
    `);
    await db.query(`
      ALTER TABLE document_lines
        DROP CONSTRAINT document_lines_amount, DROP CONSTRAINT document_lines_vat, DROP CONSTRAINT document_lines_references,
        DROP CONSTRAINT document_lines_council_ids,
        DROP COLUMN kind, DROP COLUMN council_ids, DROP COLUMN vat_treatment, DROP COLUMN vat_rate_basis_points,
        DROP COLUMN nominal_code, DROP COLUMN department_code,
        ADD CONSTRAINT document_lines_amount CHECK (amount_pence = quantity::bigint * unit_pence),
        ADD CONSTRAINT document_lines_vat CHECK (vat_pence = quantity::bigint * vat_unit_pence),
        ADD CONSTRAINT document_lines_references CHECK (cardinality(budget_references) = quantity)
    `);
    await db.query(`DROP TABLE participant_council_ids`);
    await db.query(`ALTER TABLE personal_budgets DROP COLUMN holder_address`);
    await db.query(`ALTER TABLE registrations DROP CONSTRAINT registrations_commitment`);
    await db.query(`UPDATE registrations SET committed_pence = price_pence WHERE committed_pence NOT IN (0, price_pence)`);
    await db.query(`ALTER TABLE registrations ADD CONSTRAINT registrations_commitment CHECK (committed_pence IN (0, price_pence))`);
    await db.query(`ALTER TABLE registrations DROP COLUMN po_number, DROP COLUMN billing`);
    await db.query(`ALTER TABLE sessions DROP COLUMN status`);
    await db.query(`DROP TRIGGER contracts_default_vat_treatment ON contracts`);
    await db.query(`DROP FUNCTION contracts_default_vat_treatment()`);
    await db.query(`
      ALTER TABLE contracts
        DROP CONSTRAINT contracts_only_standard_has_a_rate, DROP CONSTRAINT contracts_vat_treatment,
        DROP COLUMN late_joiners, DROP COLUMN vat_treatment, DROP COLUMN nominal_code, DROP COLUMN department_code
    `);
    await db.query(`DROP TRIGGER contracts_first_period ON contracts`);
    await db.query(`DROP FUNCTION contracts_first_period()`);
    await db.query(`DROP TABLE contract_periods`);
  }
}

/**
 * With the programme-term locked (1, 2) and then the participant (3a): an erased participant is refused.
 * A free place goes first to someone already waiting who can now pay (unless the term has ended); then,
 * if a place is still free, its price (place_price, as on the day the place is taken) is committed —
 * only if the money is there — the place taken on the programme-term and each session, and the
 * registration inserted as registered with that price and the PO of the contract period; otherwise it
 * joins the waitlist, committing nothing (its price is fixed again when it is promoted).
 * A direct payment's place is billed by the session (billing = 'sessions').
 */
export const PLACE_REGISTRATION = `
  CREATE FUNCTION place_registration(
    p_participant uuid, p_programme uuid, p_term uuid, p_budget uuid, p_contract uuid,
    p_registered_on date, p_created_by uuid, p_today date,
    OUT registration jsonb, OUT waitlist_position bigint, OUT remaining integer)
  LANGUAGE plpgsql AS $$
  DECLARE
    v_places integer;
    v_registered integer;
    v_erased boolean;
    v_price integer;
    v_po text;
    v_billing text;
  BEGIN
    SELECT l.places, l.registered INTO v_places, v_registered FROM lock_programme_term(p_programme, p_term) l;
    SELECT erased_at IS NOT NULL INTO v_erased FROM participants WHERE id = p_participant FOR KEY SHARE;
    IF v_erased THEN
      RAISE EXCEPTION 'participant % has been erased', p_participant
        USING ERRCODE = 'check_violation', CONSTRAINT = 'registrations_participant_not_erased';
    END IF;
    IF v_registered < v_places THEN
      v_registered := v_registered + promote_from_waitlist(p_programme, p_term, p_today);
    END IF;
    SELECT CASE WHEN type = 'direct_payment' THEN 'sessions' ELSE 'place' END INTO v_billing FROM personal_budgets WHERE id = p_budget;
    v_price := place_price(p_contract, p_programme, p_term, p_registered_on);
    v_po := (SELECT po_number FROM contract_period_on(p_contract, (SELECT starts_on FROM terms WHERE id = p_term)));

    IF v_registered < v_places THEN
      UPDATE personal_budgets SET committed_pence = committed_pence + v_price, updated_at = now()
       WHERE id = p_budget AND amount_pence - committed_pence >= v_price;
      IF FOUND THEN
        UPDATE programme_terms SET registered = registered + 1 WHERE programme_id = p_programme AND term_id = p_term;
        UPDATE sessions SET booked = booked + 1 WHERE programme_id = p_programme AND term_id = p_term;
        INSERT INTO registrations (participant_id, programme_id, term_id, budget_id, contract_id, status,
                                   price_pence, po_number, billing, registered_on, committed_pence, created_by)
        VALUES (p_participant, p_programme, p_term, p_budget, p_contract, 'registered',
                v_price, v_po, v_billing, p_registered_on, v_price, p_created_by)
        RETURNING to_jsonb(registrations.*) INTO registration;
      END IF;
    ELSIF (SELECT amount_pence - committed_pence FROM personal_budgets WHERE id = p_budget) >= v_price THEN
      SELECT count(*) + 1 INTO waitlist_position FROM registrations
       WHERE programme_id = p_programme AND term_id = p_term AND status = 'waitlisted';
      INSERT INTO registrations (participant_id, programme_id, term_id, budget_id, contract_id, status,
                                 price_pence, po_number, billing, registered_on, committed_pence, created_by)
      VALUES (p_participant, p_programme, p_term, p_budget, p_contract, 'waitlisted',
              v_price, v_po, v_billing, NULL, 0, p_created_by)
      RETURNING to_jsonb(registrations.*) INTO registration;
    END IF;
    SELECT amount_pence - committed_pence INTO remaining FROM personal_budgets WHERE id = p_budget;
  END
  $$
`;

/**
 * Called with the programme-term locked. While places are free, gives one to the earliest waiting
 * registration whose participant is not erased and whose budget can pay the price the place takes today
 * (place_price: after the census, a late joiner's pro-rata price); one that cannot pay is passed over and
 * keeps its place in the queue. The price and PO are fixed at promotion. Nobody is promoted once the term
 * has ended. Returns how many were promoted.
 */
const PROMOTE_FROM_WAITLIST = `
  CREATE OR REPLACE FUNCTION promote_from_waitlist(p_programme uuid, p_term uuid, p_today date)
  RETURNS integer LANGUAGE plpgsql AS $$
  DECLARE
    v_free integer;
    c record;
    v_count integer := 0;
  BEGIN
    IF p_today > (SELECT ends_on FROM terms WHERE id = p_term) THEN
      RETURN 0;
    END IF;
    LOOP
      SELECT pt.places - pt.registered INTO v_free FROM programme_terms pt
       WHERE pt.programme_id = p_programme AND pt.term_id = p_term;
      EXIT WHEN v_free IS NULL OR v_free <= 0;

      SELECT r.id, r.participant_id, r.budget_id, x.price INTO c
        FROM registrations r
        JOIN participants p ON p.id = r.participant_id
        JOIN personal_budgets b ON b.id = r.budget_id
        CROSS JOIN LATERAL (SELECT place_price(r.contract_id, p_programme, p_term, p_today) AS price) x
       WHERE r.programme_id = p_programme AND r.term_id = p_term AND r.status = 'waitlisted'
         AND p.erased_at IS NULL AND b.amount_pence - b.committed_pence >= x.price
       ORDER BY r.queue_seq
       LIMIT 1;
      EXIT WHEN NOT FOUND; -- nobody waiting who can pay

      -- 3a: an erasure holding the participant commits first; then it is erased and passed over
      PERFORM 1 FROM participants WHERE id = c.participant_id AND erased_at IS NULL FOR KEY SHARE;
      CONTINUE WHEN NOT FOUND;
      -- 3b
      PERFORM 1 FROM registrations WHERE id = c.id AND status = 'waitlisted' FOR NO KEY UPDATE;
      CONTINUE WHEN NOT FOUND;
      -- 3c: the conditional update is the money guard
      UPDATE personal_budgets SET committed_pence = committed_pence + c.price, updated_at = now()
       WHERE id = c.budget_id AND amount_pence - committed_pence >= c.price;
      CONTINUE WHEN NOT FOUND; -- spent meanwhile: passed over, still waiting

      UPDATE registrations
         SET status = 'registered', registered_on = p_today, price_pence = c.price, committed_pence = c.price,
             po_number = (SELECT po_number FROM contract_period_on(contract_id, (SELECT starts_on FROM terms WHERE id = p_term))),
             updated_at = now()
       WHERE id = c.id;
      UPDATE programme_terms SET registered = registered + 1 WHERE programme_id = p_programme AND term_id = p_term;
      UPDATE sessions SET booked = booked + 1 WHERE programme_id = p_programme AND term_id = p_term;
      v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
  END
  $$
`;

/**
 * With the programme-term locked, then the participant, then the registration: withdraws it effective
 * p_effective_on. What stays committed is what the place will still be billed (place_billable_pence): a
 * place billed per term keeps its price when it stays billable (it counted at the census, or a late
 * joiner withdrawn after the day it took its place) and releases it otherwise; a place billed by the
 * session keeps the price of the sessions it still covers. A registered one frees its place, which goes
 * at once to the earliest eligible waiting registration (not once the term is over). The reason of an
 * erased participant's withdrawal is stored as '[erased]'.
 */
const WITHDRAW_REGISTRATION = `
  CREATE OR REPLACE FUNCTION withdraw_registration(
    p_registration uuid, p_effective_on date, p_reason text, p_today date,
    OUT outcome text, OUT registration jsonb)
  LANGUAGE plpgsql AS $$
  DECLARE
    r registrations%ROWTYPE;
    v_erased boolean;
    v_committed integer;
  BEGIN
    SELECT * INTO r FROM registrations WHERE id = p_registration;
    IF NOT FOUND THEN
      outcome := 'not-found';
      RETURN;
    END IF;
    PERFORM lock_programme_term(r.programme_id, r.term_id);
    SELECT erased_at IS NOT NULL INTO v_erased FROM participants WHERE id = r.participant_id FOR KEY SHARE;
    SELECT * INTO r FROM registrations WHERE id = p_registration FOR NO KEY UPDATE;
    IF r.status = 'withdrawn' THEN
      outcome := 'already-withdrawn';
      RETURN;
    END IF;
    v_committed := LEAST(r.committed_pence,
                         place_billable_pence(r.billing, r.programme_id, r.term_id, r.registered_on, p_effective_on, r.price_pence));

    UPDATE registrations
       SET status = 'withdrawn', withdrawn_at = now(), withdrawal_effective_on = p_effective_on,
           withdrawal_reason = CASE WHEN v_erased THEN '[erased]' ELSE p_reason END,
           committed_pence = v_committed, updated_at = now()
     WHERE id = p_registration
    RETURNING to_jsonb(registrations.*) INTO registration;
    IF v_committed <> r.committed_pence THEN
      UPDATE personal_budgets SET committed_pence = committed_pence - (r.committed_pence - v_committed), updated_at = now()
       WHERE id = r.budget_id;
    END IF;
    IF r.status = 'registered' THEN
      UPDATE programme_terms SET registered = registered - 1 WHERE programme_id = r.programme_id AND term_id = r.term_id;
      UPDATE sessions SET booked = booked - 1 WHERE programme_id = r.programme_id AND term_id = r.term_id;
      PERFORM promote_from_waitlist(r.programme_id, r.term_id, p_today);
    END IF;
    outcome := 'withdrawn';
  END
  $$
`;
