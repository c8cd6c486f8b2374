import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Terms can now be corrected (PATCH /terms/:id), so a term's dates may change after its sessions exist.
 * TermsService refuses a correction that would leave a session outside the term, under the term's lock;
 * this trigger is the rule itself for the other side: a session is dated within its term, read FOR KEY
 * SHARE so that a session written while a correction holds the term (FOR UPDATE) waits for it and is
 * checked against the corrected dates. (A session's term is chosen from its date before the session's
 * locks are taken, so without this a session could be written into dates a correction had just removed.)
 * Sessions already stored are within their terms: terms could not change until now.
 */
export class TermCorrections1764420000000 implements MigrationInterface {
  name = 'TermCorrections1764420000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION session_within_term() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        t record;
      BEGIN
        SELECT starts_on, ends_on INTO t FROM terms WHERE id = NEW.term_id FOR KEY SHARE;
        IF FOUND AND NEW.date NOT BETWEEN t.starts_on AND t.ends_on THEN
          RAISE EXCEPTION 'session date % is outside its term (% to %)', NEW.date, t.starts_on, t.ends_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'sessions_within_term';
        END IF;
        RETURN NEW;
      END
      $$
    `);
    await db.query(`
      CREATE TRIGGER sessions_within_term BEFORE INSERT OR UPDATE OF date, term_id ON sessions
        FOR EACH ROW EXECUTE FUNCTION session_within_term()
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER sessions_within_term ON sessions`);
    await db.query(`DROP FUNCTION session_within_term()`);
  }
}
