import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A registration in one round trip: register_participant decides whether a participant may register
 * and places them (or waitlists them), in one statement. It is the one definition of the registration
 * rules (DOMAIN.md rules 2 and 3, and when a place may be dated); the service only words its refusals
 * (src/registrations/refusals.ts).
 *
 *   age_on(date_of_birth, on)
 *     age in completed years on a date; someone born on 29 February turns a year older on 1 March in
 *     common years.
 *
 *   register_participant(participant, programme, term, budget, registered_on, created_by, today)
 *     → (refusal, facts, registration, waitlist_position)
 *     Reads, without locks, what the rules depend on and answers the first rule broken, in this order:
 *       unknown-participant, unknown-programme, unknown-term, unknown-budget (a reference naming nothing);
 *       participant-erased;
 *       age-out-of-range          the age on the term's first day outside the programme's ages
 *                                 (facts: age, startsOn, minAge, maxAge);
 *       budget-not-participants   the budget is someone else's;
 *       budget-not-valid-for-term the budget is not valid from the term's first to its last day
 *                                 (facts: validFrom, validTo, startsOn, endsOn);
 *       no-contract-covers-programme  no contract of the budget's commissioner covers the programme for
 *                                 the whole term (the latest starting one that does is the one used);
 *       insufficient-budget       less uncommitted than the place's price (place_price on registered_on,
 *                                 default today) (facts: remainingPence, pricePence);
 *       term-ended                no registered_on given and the term ended before today (facts: endsOn);
 *       registered-on-in-future, registered-on-after-term  (a correction's date).
 *     Then places the registration (place_registration, which takes the locks in the order of migration
 *     1764320000000: programme, programme-term, participant; refuses an erased participant under its lock
 *     with the constraint registrations_participant_not_erased; the unique index registrations_one_active
 *     refuses a second active registration) dated registered_on, or today. When the budget can no longer
 *     pay (money committed since it was read), the refusal is insufficient-budget with what is left then.
 *     Otherwise `registration` is the new row (to_jsonb) and `waitlist_position` its place in the queue.
 *     A refusal changes nothing.
 *
 * `today` is the caller's London date (as for place_registration). Its cases:
 * test/registration-rules.e2e-spec.ts (through the API) and test/register-participant-rule.e2e-spec.ts.
 */
export class RegisterParticipant1764550000000 implements MigrationInterface {
  name = 'RegisterParticipant1764550000000';

  public async up(db: QueryRunner): Promise<void> {
    // age_on: age in completed years (rule 2's age on the term's first day); cases: test/register-participant-rule.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION age_on(p_date_of_birth date, p_on date)
      RETURNS integer LANGUAGE sql IMMUTABLE AS $$
        SELECT (extract(year FROM p_on) - extract(year FROM p_date_of_birth)
                - CASE WHEN (extract(month FROM p_on), extract(day FROM p_on))
                            < (extract(month FROM p_date_of_birth), extract(day FROM p_date_of_birth))
                       THEN 1 ELSE 0 END)::integer
      $$
    `);
    // register_participant: who may register (rules 2 and 3, and a place's date), then placing; cases:
    // test/register-participant-rule.e2e-spec.ts, test/registration-rules.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION register_participant(
        p_participant uuid, p_programme uuid, p_term uuid, p_budget uuid,
        p_registered_on date, p_created_by uuid, p_today date,
        OUT refusal text, OUT facts jsonb, OUT registration jsonb, OUT waitlist_position bigint)
      LANGUAGE plpgsql AS $$
      DECLARE
        f record;
        v_age integer;
        v_price integer;
        v_on date;
        v_placed record;
      BEGIN
        SELECT p.id AS participant_id, p.date_of_birth, p.erased_at IS NOT NULL AS erased,
               pr.id AS programme_id, pr.min_age, pr.max_age,
               t.id AS term_id, t.starts_on, t.ends_on,
               b.id AS budget_id, b.participant_id AS budget_participant_id, b.valid_from, b.valid_to,
               b.amount_pence - b.committed_pence AS remaining,
               c.id AS contract_id
          INTO f
          FROM (SELECT 1) AS one
          LEFT JOIN participants p ON p.id = p_participant
          LEFT JOIN programmes pr ON pr.id = p_programme
          LEFT JOIN terms t ON t.id = p_term
          LEFT JOIN personal_budgets b ON b.id = p_budget
          LEFT JOIN LATERAL (
               SELECT c.id
                 FROM contracts c JOIN contract_programmes cp ON cp.contract_id = c.id AND cp.programme_id = pr.id
                WHERE c.commissioner_id = b.commissioner_id AND c.starts_on <= t.starts_on AND c.ends_on >= t.ends_on
                ORDER BY c.starts_on DESC LIMIT 1) c ON true;

        refusal := CASE
          WHEN f.participant_id IS NULL THEN 'unknown-participant'
          WHEN f.programme_id IS NULL THEN 'unknown-programme'
          WHEN f.term_id IS NULL THEN 'unknown-term'
          WHEN f.budget_id IS NULL THEN 'unknown-budget'
          WHEN f.erased THEN 'participant-erased'
        END;
        IF refusal IS NOT NULL THEN
          RETURN;
        END IF;

        v_age := age_on(f.date_of_birth, f.starts_on);
        IF v_age < f.min_age OR v_age > f.max_age THEN
          refusal := 'age-out-of-range';
          facts := jsonb_build_object('age', v_age, 'startsOn', f.starts_on, 'minAge', f.min_age, 'maxAge', f.max_age);
          RETURN;
        END IF;
        IF f.budget_participant_id <> f.participant_id THEN
          refusal := 'budget-not-participants';
          RETURN;
        END IF;
        IF f.valid_from > f.starts_on OR f.valid_to < f.ends_on THEN
          refusal := 'budget-not-valid-for-term';
          facts := jsonb_build_object('validFrom', f.valid_from, 'validTo', f.valid_to, 'startsOn', f.starts_on, 'endsOn', f.ends_on);
          RETURN;
        END IF;
        IF f.contract_id IS NULL THEN
          refusal := 'no-contract-covers-programme';
          RETURN;
        END IF;
        v_price := place_price(f.contract_id, p_programme, p_term, coalesce(p_registered_on, p_today));
        IF f.remaining < v_price THEN
          refusal := 'insufficient-budget';
          facts := jsonb_build_object('remainingPence', f.remaining, 'pricePence', v_price);
          RETURN;
        END IF;

        -- the date the place is taken: today, or a correction's earlier date within the term
        IF p_registered_on IS NULL AND p_today > f.ends_on THEN
          refusal := 'term-ended';
          facts := jsonb_build_object('endsOn', f.ends_on);
        ELSIF p_registered_on > p_today THEN
          refusal := 'registered-on-in-future';
        ELSIF p_registered_on > f.ends_on THEN
          refusal := 'registered-on-after-term';
        END IF;
        IF refusal IS NOT NULL THEN
          RETURN;
        END IF;
        v_on := coalesce(p_registered_on, p_today);

        SELECT * INTO v_placed
          FROM place_registration(p_participant, p_programme, p_term, p_budget, f.contract_id, v_on, p_created_by, p_today);
        IF v_placed.registration IS NULL THEN
          refusal := 'insufficient-budget';
          facts := jsonb_build_object('remainingPence', v_placed.remaining,
                                      'pricePence', place_price(f.contract_id, p_programme, p_term, v_on));
          RETURN;
        END IF;
        registration := v_placed.registration;
        waitlist_position := v_placed.waitlist_position;
      END
      $$
    `);
  }

  public async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION register_participant(uuid, uuid, uuid, uuid, date, uuid, date)`);
    await db.query(`DROP FUNCTION age_on(date, date)`);
  }
}
