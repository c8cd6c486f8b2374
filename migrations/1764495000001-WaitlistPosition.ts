import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PLACE_REGISTRATION } from './1764400000000-PricesPeriodsAndBillingUnits.js';

/**
 * Issue 11, item 5 ("Each rule in one place"): a waiting registration's place in the queue has one definition.
 *
 *   waitlist_position(registration_id)
 *     1..n among those waiting for the same programme-term, first come first served (by queue_seq);
 *     null unless the registration is waitlisted (or does not exist).
 *
 * The Registration entity's waitlistPosition (a @VirtualColumn) selects it, and place_registration, which
 * used to count the queue itself (count(*) + 1 before the insert), now asks it about the registration it
 * has just put on the waitlist (the programme-term is locked, so nobody joined in between). Its cases:
 * test/waitlist-position-rule.e2e-spec.ts.
 */
export class WaitlistPosition1764495000001 implements MigrationInterface {
  name = 'WaitlistPosition1764495000001';

  public async up(db: QueryRunner): Promise<void> {
    // waitlist_position: a waiting registration's place in the queue (DOMAIN "Waitlist"); cases: test/waitlist-position-rule.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION waitlist_position(p_registration uuid)
      RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT (SELECT count(*) FROM registrations w
                 WHERE w.programme_id = r.programme_id AND w.term_id = r.term_id
                   AND w.status = 'waitlisted' AND w.queue_seq <= r.queue_seq)::integer
          FROM registrations r
         WHERE r.id = p_registration AND r.status = 'waitlisted'
      $$
    `);
    // place_registration of migration 1764400000000, its waitlist position now from waitlist_position()
    await db.query(`
  CREATE OR REPLACE FUNCTION place_registration(
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
      INSERT INTO registrations (participant_id, programme_id, term_id, budget_id, contract_id, status,
                                 price_pence, po_number, billing, registered_on, committed_pence, created_by)
      VALUES (p_participant, p_programme, p_term, p_budget, p_contract, 'waitlisted',
              v_price, v_po, v_billing, NULL, 0, p_created_by)
      RETURNING to_jsonb(registrations.*) INTO registration;
      waitlist_position := waitlist_position((registration->>'id')::uuid);
    END IF;
    SELECT amount_pence - committed_pence INTO remaining FROM personal_budgets WHERE id = p_budget;
  END
  $$
`);
  }

  public async down(db: QueryRunner): Promise<void> {
    await db.query(PLACE_REGISTRATION.replace('CREATE FUNCTION place_registration(', 'CREATE OR REPLACE FUNCTION place_registration('));
    await db.query(`DROP FUNCTION waitlist_position(uuid)`);
  }
}
