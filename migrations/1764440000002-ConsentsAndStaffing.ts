import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13: consents by purpose (API.md v1.1 "Consents by purpose", DOMAIN rule 16) and the staffing
 * fields (support levels, group ratios).
 *
 * consents                 every consent given or refused, per participant and purpose, kept as history;
 *                          the latest (recorded_on, then id) per purpose applies until it expires.
 * current_consent(p, purpose, on)  that rule, once: true/false, or NULL when none applies on `on`.
 * participants.photo_consent mirrors the current photography consent: a photography consent recorded
 *                          sets it (consents_mirror_photo); a participant created with photoConsent true,
 *                          or whose photoConsent is changed, gets a consent record of it
 *                          (participants_photo_consent_record). Existing values become consent records.
 * attendance_session_rules gains rule 16: present or late on an off-site session needs a current
 *                          off_site_trips consent on the session's date (constraint name
 *                          attendance_off_site_consent). A consent recorded locks its participant FOR
 *                          UPDATE first, and an attendance write holds the participant FOR KEY SHARE
 *                          (attendance.repository.ts), so the two are serialised.
 */
export class ConsentsAndStaffing1764440000002 implements MigrationInterface {
  name = 'ConsentsAndStaffing1764440000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE consents (
        id              uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        participant_id  uuid NOT NULL REFERENCES participants (id),
        purpose         text NOT NULL CHECK (purpose IN ('photography', 'emergency_medical_treatment', 'off_site_trips', 'information_sharing', 'transport')),
        given           boolean NOT NULL,
        given_by        text NOT NULL CHECK (length(given_by) BETWEEN 1 AND 200),
        recorded_on     date NOT NULL,
        expires_on      date,
        recorded_by     text NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT consents_dates CHECK (expires_on IS NULL OR expires_on >= recorded_on)
      )
    `);
    await db.query(`CREATE INDEX consents_participant_purpose ON consents (participant_id, purpose, recorded_on DESC, id DESC)`);
    // current_consent: the consent in force for a purpose on a day (rule 16); tests: test/consents.e2e-spec.ts, test/attendance.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION current_consent(p_participant uuid, p_purpose text, p_on date) RETURNS boolean
      LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN c.expires_on IS NULL OR c.expires_on >= p_on THEN c.given END
          FROM consents c
         WHERE c.participant_id = p_participant AND c.purpose = p_purpose AND c.recorded_on <= p_on
         ORDER BY c.recorded_on DESC, c.id DESC
         LIMIT 1
      $$
    `);
    await db.query(`
      INSERT INTO consents (participant_id, purpose, given, given_by, recorded_on, recorded_by, created_at)
      SELECT id, 'photography', photo_consent, 'participant record (migrated)', (created_at AT TIME ZONE 'Europe/London')::date, 'migration', created_at
        FROM participants
    `);
    await db.query(`
      CREATE FUNCTION consents_mirror_photo() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.purpose = 'photography' THEN
          UPDATE participants SET photo_consent = coalesce(current_consent(NEW.participant_id, 'photography', (now() AT TIME ZONE 'Europe/London')::date), false)
           WHERE id = NEW.participant_id
             AND photo_consent IS DISTINCT FROM coalesce(current_consent(NEW.participant_id, 'photography', (now() AT TIME ZONE 'Europe/London')::date), false);
        END IF;
        RETURN NULL;
      END
      $$
    `);
    await db.query(`CREATE TRIGGER consents_mirror_photo AFTER INSERT ON consents FOR EACH ROW EXECUTE FUNCTION consents_mirror_photo()`);
    await db.query(`
      CREATE FUNCTION participants_photo_consent_record() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_today date := (now() AT TIME ZONE 'Europe/London')::date;
      BEGIN
        IF (TG_OP = 'INSERT' AND NEW.photo_consent)
           OR (TG_OP = 'UPDATE' AND NEW.photo_consent IS DISTINCT FROM OLD.photo_consent
               AND NEW.photo_consent IS DISTINCT FROM coalesce(current_consent(NEW.id, 'photography', v_today), false)) THEN
          INSERT INTO consents (participant_id, purpose, given, given_by, recorded_on, recorded_by)
          VALUES (NEW.id, 'photography', NEW.photo_consent, 'participant record', v_today, 'participant record');
        END IF;
        RETURN NULL;
      END
      $$
    `);
    await db.query(`
      CREATE TRIGGER participants_photo_consent_record AFTER INSERT OR UPDATE OF photo_consent ON participants
        FOR EACH ROW EXECUTE FUNCTION participants_photo_consent_record()
    `);
    await db.query(`
      CREATE OR REPLACE FUNCTION attendance_session_rules() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        s sessions%ROWTYPE;
      BEGIN
        SELECT * INTO s FROM sessions WHERE id = NEW.session_id FOR SHARE;
        IF s.status = 'cancelled' THEN
          RAISE EXCEPTION 'session % is cancelled: no attendance is recorded for it', NEW.session_id
            USING ERRCODE = '23514', CONSTRAINT = 'attendance_session_not_cancelled';
        END IF;
        IF s.off_site AND NEW.status IN ('present', 'late')
           AND current_consent(NEW.participant_id, 'off_site_trips', s.date) IS NOT TRUE THEN
          RAISE EXCEPTION 'participant % has no current consent to off-site trips', NEW.participant_id
            USING ERRCODE = '23514', CONSTRAINT = 'attendance_off_site_consent';
        END IF;
        RETURN NEW;
      END
      $$
    `);

    // ---- staffing
    await db.query(`
      ALTER TABLE participants ADD COLUMN support_level text NOT NULL DEFAULT 'group'
        CHECK (support_level IN ('group', 'one_to_one', 'two_to_one'))
    `);
    await db.query(`ALTER TABLE programmes ADD COLUMN group_ratio integer NOT NULL DEFAULT 4 CHECK (group_ratio BETWEEN 1 AND 50)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE programmes DROP COLUMN group_ratio`);
    await db.query(`ALTER TABLE participants DROP COLUMN support_level`);
    await db.query(`
      CREATE OR REPLACE FUNCTION attendance_session_rules() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        s sessions%ROWTYPE;
      BEGIN
        SELECT * INTO s FROM sessions WHERE id = NEW.session_id FOR SHARE;
        IF s.status = 'cancelled' THEN
          RAISE EXCEPTION 'session % is cancelled: no attendance is recorded for it', NEW.session_id
            USING ERRCODE = '23514', CONSTRAINT = 'attendance_session_not_cancelled';
        END IF;
        RETURN NEW;
      END
      $$
    `);
    await db.query(`DROP TRIGGER participants_photo_consent_record ON participants`);
    await db.query(`DROP FUNCTION participants_photo_consent_record()`);
    await db.query(`DROP TRIGGER consents_mirror_photo ON consents`);
    await db.query(`DROP FUNCTION consents_mirror_photo()`);
    await db.query(`DROP FUNCTION current_consent(uuid, text, date)`);
    await db.query(`DROP TABLE consents`);
  }
}
