import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registering, withdrawing and promoting from the waitlist as PostgreSQL functions: each runs as one
 * statement (atomic, no BEGIN/COMMIT round trips), so the programme-term's row lock is held only while
 * the database itself does the work. On this kind of machine a round trip costs more than the work, and
 * fifty people registering for one programme at once queue on that lock.
 *
 * The rules they hold are named in src/registrations/ (capacity.ts, waitlist.ts,
 * registration-transactions.ts) and src/headcounts/headcount.ts; counts_at_census is the census rule, defined
 * only here (the headcount selects it; its cases: test/census-rule.e2e-spec.ts).
 */
export class RegistrationStatements1764210000000 implements MigrationInterface {
  name = 'RegistrationStatements1764210000000';

  async up(db: QueryRunner): Promise<void> {
    // counts_at_census: the census rule (DOMAIN "Headcount", rule 3's release); cases: test/census-rule.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION counts_at_census(registered_on date, withdrawal_effective_on date, census_date date)
      RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
        SELECT registered_on IS NOT NULL AND registered_on <= census_date
           AND (withdrawal_effective_on IS NULL OR withdrawal_effective_on > census_date)
      $$
    `);

    // Rule 1's places: every registration books every session of its programme-term, so the places are
    // min(programme capacity, capacity of each of its sessions); with no session yet, the programme's.
    // programme_term_places: rule 1's places; tests: test/capacity.e2e-spec.ts, test/capacity-races.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION programme_term_places(p_programme uuid, p_term uuid)
      RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT LEAST(p.capacity, COALESCE((SELECT min(s.capacity) FROM sessions s
                                            WHERE s.programme_id = p.id AND s.term_id = p_term), p.capacity))
          FROM programmes p WHERE p.id = p_programme
      $$
    `);

    // Locks the row that owns a programme-term's count (creating it on first use); returns the count.
    await db.query(`
      CREATE FUNCTION lock_programme_term(p_programme uuid, p_term uuid, OUT places integer, OUT registered integer)
      LANGUAGE sql AS $$
        INSERT INTO programme_terms (programme_id, term_id, places)
        SELECT p.id, p_term, programme_term_places(p.id, p_term)
          FROM programmes p WHERE p.id = p_programme
        ON CONFLICT (programme_id, term_id) DO UPDATE SET places = programme_terms.places
        RETURNING places, registered
      $$
    `);

    // Gives free places, one at a time, to the earliest waiting registration whose budget can still pay
    // (locking it and its budget); one that cannot is passed over. Returns how many were promoted.
    await db.query(`
      CREATE FUNCTION promote_from_waitlist(p_programme uuid, p_term uuid, p_today date)
      RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        v_candidate uuid;
        v_promoted uuid;
        v_count integer := 0;
      BEGIN
        LOOP
          WITH candidate AS (
            SELECT r.id, r.budget_id, r.price_pence
              FROM registrations r JOIN personal_budgets b ON b.id = r.budget_id
             WHERE r.programme_id = p_programme AND r.term_id = p_term AND r.status = 'waitlisted'
               AND b.amount_pence - b.committed_pence >= r.price_pence
               AND (SELECT pt.places - pt.registered FROM programme_terms pt
                     WHERE pt.programme_id = p_programme AND pt.term_id = p_term) > 0
             ORDER BY r.queue_seq
             LIMIT 1
               FOR UPDATE OF r, b
          ), committed AS (
            UPDATE personal_budgets b SET committed_pence = b.committed_pence + c.price_pence, updated_at = now()
              FROM candidate c
             WHERE b.id = c.budget_id AND b.amount_pence - b.committed_pence >= c.price_pence
            RETURNING b.id
          ), promoted AS (
            UPDATE registrations r SET status = 'registered', registered_on = p_today, committed_pence = r.price_pence,
                                       updated_at = now()
              FROM candidate c
             WHERE r.id = c.id AND EXISTS (SELECT 1 FROM committed)
            RETURNING r.id
          ), place AS (
            UPDATE programme_terms SET registered = registered + 1
             WHERE programme_id = p_programme AND term_id = p_term AND EXISTS (SELECT 1 FROM committed)
          ), booked AS (
            UPDATE sessions SET booked = booked + 1
             WHERE programme_id = p_programme AND term_id = p_term AND EXISTS (SELECT 1 FROM committed)
          )
          SELECT (SELECT id FROM candidate), (SELECT id FROM promoted) INTO v_candidate, v_promoted;
          EXIT WHEN v_candidate IS NULL; -- no free place, or nobody waiting who can pay
          IF v_promoted IS NOT NULL THEN v_count := v_count + 1; END IF;
        END LOOP;
        RETURN v_count;
      END
      $$
    `);

    // With the programme-term locked: a free place goes first to someone already waiting who can now
    // pay; then, if a place is still free, the price is committed (only if the money is there), the
    // place taken on the programme-term and each session, and the registration inserted as registered;
    // otherwise it joins the waitlist, committing nothing. `registration` is null when the budget
    // cannot pay (then `remaining` says what it has). The unique index registrations_one_active may
    // refuse the insert (a second active registration).
    await db.query(`
      CREATE FUNCTION place_registration(
        p_participant uuid, p_programme uuid, p_term uuid, p_budget uuid, p_contract uuid,
        p_price integer, p_registered_on date, p_created_by uuid, p_today date,
        OUT registration jsonb, OUT waitlist_position bigint, OUT remaining integer)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_places integer;
        v_registered integer;
      BEGIN
        SELECT l.places, l.registered INTO v_places, v_registered FROM lock_programme_term(p_programme, p_term) l;
        IF v_registered < v_places THEN
          v_registered := v_registered + promote_from_waitlist(p_programme, p_term, p_today);
        END IF;

        IF v_registered < v_places THEN
          UPDATE personal_budgets SET committed_pence = committed_pence + p_price, updated_at = now()
           WHERE id = p_budget AND amount_pence - committed_pence >= p_price;
          IF FOUND THEN
            UPDATE programme_terms SET registered = registered + 1 WHERE programme_id = p_programme AND term_id = p_term;
            UPDATE sessions SET booked = booked + 1 WHERE programme_id = p_programme AND term_id = p_term;
            INSERT INTO registrations (participant_id, programme_id, term_id, budget_id, contract_id, status,
                                       price_pence, registered_on, committed_pence, created_by)
            VALUES (p_participant, p_programme, p_term, p_budget, p_contract, 'registered',
                    p_price, p_registered_on, p_price, p_created_by)
            RETURNING to_jsonb(registrations.*) INTO registration;
          END IF;
        ELSIF (SELECT amount_pence - committed_pence FROM personal_budgets WHERE id = p_budget) >= p_price THEN
          SELECT count(*) + 1 INTO waitlist_position FROM registrations
           WHERE programme_id = p_programme AND term_id = p_term AND status = 'waitlisted';
          INSERT INTO registrations (participant_id, programme_id, term_id, budget_id, contract_id, status,
                                     price_pence, registered_on, committed_pence, created_by)
          VALUES (p_participant, p_programme, p_term, p_budget, p_contract, 'waitlisted',
                  p_price, NULL, 0, p_created_by)
          RETURNING to_jsonb(registrations.*) INTO registration;
        END IF;
        SELECT amount_pence - committed_pence INTO remaining FROM personal_budgets WHERE id = p_budget;
      END
      $$
    `);

    // With the programme-term locked: withdraws the registration effective p_effective_on. Its money is
    // released unless the term is billable for it (it counted at the census); a registered one frees
    // its place, which goes at once to the earliest eligible waiting registration unless the term is
    // over. outcome: 'withdrawn', or 'already-withdrawn' / 'not-found' (nothing changed).
    await db.query(`
      CREATE FUNCTION withdraw_registration(
        p_registration uuid, p_effective_on date, p_reason text, p_today date,
        OUT outcome text, OUT registration jsonb)
      LANGUAGE plpgsql AS $$
      DECLARE
        r registrations%ROWTYPE;
        t terms%ROWTYPE;
        v_release boolean;
      BEGIN
        SELECT * INTO r FROM registrations WHERE id = p_registration;
        IF NOT FOUND THEN
          outcome := 'not-found';
          RETURN;
        END IF;
        PERFORM lock_programme_term(r.programme_id, r.term_id);
        SELECT * INTO r FROM registrations WHERE id = p_registration FOR UPDATE;
        IF r.status = 'withdrawn' THEN
          outcome := 'already-withdrawn';
          RETURN;
        END IF;
        SELECT * INTO t FROM terms WHERE id = r.term_id;
        v_release := r.committed_pence > 0 AND NOT counts_at_census(r.registered_on, p_effective_on, t.census_date);

        UPDATE registrations
           SET status = 'withdrawn', withdrawn_at = now(), withdrawal_effective_on = p_effective_on,
               withdrawal_reason = p_reason, committed_pence = CASE WHEN v_release THEN 0 ELSE committed_pence END,
               updated_at = now()
         WHERE id = p_registration
        RETURNING to_jsonb(registrations.*) INTO registration;
        IF v_release THEN
          UPDATE personal_budgets SET committed_pence = committed_pence - r.committed_pence, updated_at = now()
           WHERE id = r.budget_id;
        END IF;
        IF r.status = 'registered' THEN
          UPDATE programme_terms SET registered = registered - 1 WHERE programme_id = r.programme_id AND term_id = r.term_id;
          UPDATE sessions SET booked = booked - 1 WHERE programme_id = r.programme_id AND term_id = r.term_id;
          IF p_today <= t.ends_on THEN
            PERFORM promote_from_waitlist(r.programme_id, r.term_id, p_today);
          END IF;
        END IF;
        outcome := 'withdrawn';
      END
      $$
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION withdraw_registration(uuid, date, text, date)`);
    await db.query(`DROP FUNCTION place_registration(uuid, uuid, uuid, uuid, uuid, integer, date, uuid, date)`);
    await db.query(`DROP FUNCTION promote_from_waitlist(uuid, uuid, date)`);
    await db.query(`DROP FUNCTION lock_programme_term(uuid, uuid)`);
    await db.query(`DROP FUNCTION programme_term_places(uuid, uuid)`);
    await db.query(`DROP FUNCTION counts_at_census(date, date, date)`);
  }
}
