import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 10, "finding things".
 *
 * Name prefix search (GET /participants?q=, GET /programmes?q=): case-insensitive, so on lower(...),
 * with text_pattern_ops so that `lower(...) LIKE 'prefix%'` is an index range scan whatever the
 * database's collation. A participant is found by the start of "first last" (which covers the first
 * name alone) or of the last name; the expressions here are the ones the list queries write.
 *
 * withdraw_registration also answers who the place it freed went to (OUT promoted: registrationId and
 * participantId, or NULL): the registrations waiting before promote_from_waitlist ran that are
 * registered after it, read in the same transaction under the programme-term's lock (only a holder of
 * that lock promotes), earliest in the queue first. Otherwise unchanged (migration 1764400000000).
 */
export class SearchAndPromotedOnWithdrawal1764430000000 implements MigrationInterface {
  name = 'SearchAndPromotedOnWithdrawal1764430000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX participants_full_name_prefix ON participants (lower(first_name || ' ' || last_name) text_pattern_ops)`);
    await db.query(`CREATE INDEX participants_last_name_prefix ON participants (lower(last_name) text_pattern_ops)`);
    await db.query(`CREATE INDEX programmes_name_prefix ON programmes (lower(name) text_pattern_ops)`);

    // a new OUT parameter changes the result type, which CREATE OR REPLACE cannot do
    await db.query(`DROP FUNCTION withdraw_registration(uuid, date, text, date)`);
    await db.query(`
      CREATE FUNCTION withdraw_registration(
        p_registration uuid, p_effective_on date, p_reason text, p_today date,
        OUT outcome text, OUT registration jsonb, OUT promoted jsonb)
      LANGUAGE plpgsql AS $$
      DECLARE
        r registrations%ROWTYPE;
        v_erased boolean;
        v_committed integer;
        v_waiting uuid[];
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
          v_waiting := ARRAY(SELECT id FROM registrations
                              WHERE programme_id = r.programme_id AND term_id = r.term_id AND status = 'waitlisted');
          PERFORM promote_from_waitlist(r.programme_id, r.term_id, p_today);
          SELECT jsonb_build_object('registrationId', w.id, 'participantId', w.participant_id) INTO promoted
            FROM registrations w
           WHERE w.id = ANY (v_waiting) AND w.status = 'registered'
           ORDER BY w.queue_seq
           LIMIT 1;
        END IF;
        outcome := 'withdrawn';
      END
      $$
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION withdraw_registration(uuid, date, text, date)`);
    // the definition of migration 1764400000000, as it was
    await db.query(`
      CREATE FUNCTION withdraw_registration(
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
    `);
    await db.query(`DROP INDEX programmes_name_prefix`);
    await db.query(`DROP INDEX participants_last_name_prefix`);
    await db.query(`DROP INDEX participants_full_name_prefix`);
  }
}
