import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One lock order for registrations, and the rules issue 8 found broken under concurrency.
 *
 * THE LOCK ORDER — the one place it is defined (the README's registrations section repeats it).
 * Whatever locks any of these rows takes them in this order, and never waits for an earlier one while
 * holding a later one:
 *
 *   1. the programme row        FOR KEY SHARE by lock_programme_term, i.e. by every registration,
 *                               withdrawal, promotion and session change; FOR UPDATE by a programme
 *                               capacity change (ProgrammesService.update), which therefore runs alone on
 *                               the programme and reads or creates no programme_terms row that a
 *                               registration is using. (A PATCH that changes no capacity takes FOR NO KEY
 *                               UPDATE, which does not conflict with 1.)
 *   2. its programme_terms rows  one, by lock_programme_term (creating it on first use, its places read
 *                               after 1, so they include any capacity change committed before); a
 *                               capacity change takes all of the programme's, in term_id order.
 *   3. a participant's rows, each participant's in this order:
 *        a. the participant row   FOR KEY SHARE when placing, withdrawing or promoting; FOR UPDATE by
 *                                 erasure and by a participant PATCH
 *        b. its registrations     FOR NO KEY UPDATE (no registration key ever changes, and a billing
 *                                 run's ledger rows key-share-lock the registrations they bill for the
 *                                 whole run: a withdrawal must not wait for that)
 *        c. its budgets
 *      A participant's registrations and budgets are written only by a transaction that took 3a first.
 *      Between participants there is no order (placing locks its own participant, then promotes others,
 *      then commits its own budget): only erasure locks a participant exclusively, and it touches no
 *      other participant's rows, so it cannot close a cycle.
 *
 * The sessions of a programme-term (booked, capacity) and its programme_terms counts are written only
 * while holding 2, so no one waits for them in another order (a session edit that changes no capacity
 * locks its own row and nothing else). The term row only ever gets FOR KEY SHARE (foreign-key checks).
 * Erasure takes 3 for its one participant and never 1 or 2: withdrawing a waitlisted registration changes
 * no count and frees no place.
 *
 * Why 1 must come first explicitly: when a transaction updates a programme_terms or sessions row a second
 * time, PostgreSQL checks its foreign keys again (the old row version is the transaction's own) and takes
 * FOR KEY SHARE on the programme row then. Registering did that after locking programme_terms while a
 * capacity change locked the programme first: concurrent PATCHes and withdrawals deadlocked (item 10),
 * and a first registration on a new term computed its places from a capacity being changed (item 9).
 *
 * Also here: promotion never gives a place in a term that has ended (item 11: it was dated after the term
 * and its price committed for a place never billed), nor to an erased participant (item 12); placing a
 * registration refuses an erased participant under its lock; a withdrawal reason given for an erased
 * participant is stored as '[erased]' (ERASED_TEXT of src/data-protection/anonymisation.ts, item 13).
 * Existing records are brought in line: erased participants' waitlisted registrations are withdrawn and
 * their withdrawal reasons replaced (which down() cannot undo).
 */
export class RegistrationLockOrder1764320000000 implements MigrationInterface {
  name = 'RegistrationLockOrder1764320000000';

  async up(db: QueryRunner): Promise<void> {
    // Steps 1 and 2 of the lock order; returns the programme-term's count (places and registered are
    // null for an unknown programme).
    await db.query(`
      CREATE OR REPLACE FUNCTION lock_programme_term(p_programme uuid, p_term uuid, OUT places integer, OUT registered integer)
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM 1 FROM programmes WHERE id = p_programme FOR KEY SHARE;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        SELECT pt.places, pt.registered INTO places, registered FROM programme_terms pt
         WHERE pt.programme_id = p_programme AND pt.term_id = p_term
           FOR NO KEY UPDATE;
        IF NOT FOUND THEN
          INSERT INTO programme_terms AS pt (programme_id, term_id, places)
          VALUES (p_programme, p_term, programme_term_places(p_programme, p_term))
          ON CONFLICT (programme_id, term_id) DO UPDATE SET places = pt.places
          RETURNING pt.places, pt.registered INTO places, registered;
        END IF;
      END
      $$
    `);

    // Called with the programme-term locked. While places are free, gives one to the earliest waiting
    // registration whose participant is not erased and whose budget can still pay; one that cannot pay
    // is passed over and keeps its place in the queue. The candidate is read without locks, then its
    // participant, registration and budget are locked in the lock order and checked again. Nobody is
    // promoted once the term has ended. Returns how many were promoted.
    await db.query(`
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

          SELECT r.id, r.participant_id, r.budget_id, r.price_pence INTO c
            FROM registrations r
            JOIN participants p ON p.id = r.participant_id
            JOIN personal_budgets b ON b.id = r.budget_id
           WHERE r.programme_id = p_programme AND r.term_id = p_term AND r.status = 'waitlisted'
             AND p.erased_at IS NULL AND b.amount_pence - b.committed_pence >= r.price_pence
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
          UPDATE personal_budgets SET committed_pence = committed_pence + c.price_pence, updated_at = now()
           WHERE id = c.budget_id AND amount_pence - committed_pence >= c.price_pence;
          CONTINUE WHEN NOT FOUND; -- spent meanwhile: passed over, still waiting

          UPDATE registrations SET status = 'registered', registered_on = p_today, committed_pence = price_pence, updated_at = now()
           WHERE id = c.id;
          UPDATE programme_terms SET registered = registered + 1 WHERE programme_id = p_programme AND term_id = p_term;
          UPDATE sessions SET booked = booked + 1 WHERE programme_id = p_programme AND term_id = p_term;
          v_count := v_count + 1;
        END LOOP;
        RETURN v_count;
      END
      $$
    `);

    // With the programme-term locked (1, 2) and then the participant (3a): an erased participant is
    // refused (the error names the constraint registrations_participant_not_erased). A free place goes
    // first to someone already waiting who can now pay (unless the term has ended: a correction recorded
    // on an ended term takes the free place itself); then, if a place is still free, the price is
    // committed (only if the money is there), the place taken on the programme-term and each session, and
    // the registration inserted as registered; otherwise it joins the waitlist, committing nothing.
    // `registration` is null when the budget cannot pay (then `remaining` says what it has).
    await db.query(`
      CREATE OR REPLACE FUNCTION place_registration(
        p_participant uuid, p_programme uuid, p_term uuid, p_budget uuid, p_contract uuid,
        p_price integer, p_registered_on date, p_created_by uuid, p_today date,
        OUT registration jsonb, OUT waitlist_position bigint, OUT remaining integer)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_places integer;
        v_registered integer;
        v_erased boolean;
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

    // With the programme-term locked, then the participant, then the registration: withdraws it effective
    // p_effective_on. Its money is released unless the term is billable for it (it counted at the
    // census); a registered one frees its place, which goes at once to the earliest eligible waiting
    // registration (promote_from_waitlist: not once the term is over). The reason of an erased
    // participant's withdrawal is stored as '[erased]'. outcome: 'withdrawn', or 'already-withdrawn' /
    // 'not-found' (nothing changed).
    await db.query(`
      CREATE OR REPLACE FUNCTION withdraw_registration(
        p_registration uuid, p_effective_on date, p_reason text, p_today date,
        OUT outcome text, OUT registration jsonb)
      LANGUAGE plpgsql AS $$
      DECLARE
        r registrations%ROWTYPE;
        t terms%ROWTYPE;
        v_erased boolean;
        v_release boolean;
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
        SELECT * INTO t FROM terms WHERE id = r.term_id;
        v_release := r.committed_pence > 0 AND NOT counts_at_census(r.registered_on, p_effective_on, t.census_date);

        UPDATE registrations
           SET status = 'withdrawn', withdrawn_at = now(), withdrawal_effective_on = p_effective_on,
               withdrawal_reason = CASE WHEN v_erased THEN '[erased]' ELSE p_reason END,
               committed_pence = CASE WHEN v_release THEN 0 ELSE committed_pence END,
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
          PERFORM promote_from_waitlist(r.programme_id, r.term_id, p_today);
        END IF;
        outcome := 'withdrawn';
      END
      $$
    `);

    // Records erased before this migration: what erasure now does to registrations (see
    // src/registrations/registration.repository.ts, eraseRegistrationsOf).
    await db.query(`
      UPDATE registrations r
         SET status = CASE WHEN r.status = 'waitlisted' THEN 'withdrawn' ELSE r.status END,
             withdrawn_at = CASE WHEN r.status = 'waitlisted' THEN now() ELSE r.withdrawn_at END,
             withdrawal_effective_on = CASE WHEN r.status = 'waitlisted'
                                            THEN LEAST(GREATEST((now() AT TIME ZONE 'Europe/London')::date, t.starts_on), t.ends_on)
                                            ELSE r.withdrawal_effective_on END,
             withdrawal_reason = CASE WHEN r.status = 'waitlisted' THEN 'Withdrawn because the participant record was erased'
                                      ELSE '[erased]' END,
             updated_at = now()
        FROM participants p, terms t
       WHERE p.id = r.participant_id AND p.erased_at IS NOT NULL AND t.id = r.term_id
         AND (r.status = 'waitlisted' OR r.withdrawal_reason IS NOT NULL)
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    // The definitions of migration 1764210000000-RegistrationStatements, as they were.
    await db.query(`
      CREATE OR REPLACE FUNCTION lock_programme_term(p_programme uuid, p_term uuid, OUT places integer, OUT registered integer)
      LANGUAGE sql AS $$
        INSERT INTO programme_terms (programme_id, term_id, places)
        SELECT p.id, p_term, programme_term_places(p.id, p_term)
          FROM programmes p WHERE p.id = p_programme
        ON CONFLICT (programme_id, term_id) DO UPDATE SET places = programme_terms.places
        RETURNING places, registered
      $$
    `);
    await db.query(`
      CREATE OR REPLACE FUNCTION promote_from_waitlist(p_programme uuid, p_term uuid, p_today date)
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
    await db.query(`
      CREATE OR REPLACE FUNCTION place_registration(
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
    await db.query(`
      CREATE OR REPLACE FUNCTION withdraw_registration(
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
}
