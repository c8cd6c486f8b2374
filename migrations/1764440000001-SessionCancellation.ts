import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, session cancellation (API.md v1.1 "Session cancellation and attendance evidence") and the
 * session fields the day needs.
 *
 * Sessions already carry `status` (scheduled | cancelled; migration 1764400000000), and every count of
 * sessions for money — a late joiner's pro-rata price (place_price), a direct payment's per-session
 * shares (place_session_shares) and so what a family is billed — already counts scheduled sessions
 * only. Here a cancellation gains its reason, time and author; a make-up session names the cancelled
 * session it replaces (at most one each); sessions gain `off_site`; contracts gain `cancelled_sessions`
 * (make_up | credit, default credit).
 *
 * attendance_session_rules (BEFORE INSERT, or UPDATE OF session_id, participant_id, status, on attendance)
 * is the one definition of the attendance rules that hang on the session: it reads the session FOR SHARE,
 * so a cancellation (an UPDATE of the session) and an attendance write are serialised, and attendance on a
 * cancelled session is refused (constraint name attendance_session_not_cancelled, which the service words
 * as a 422). Every attendance write sets status (attendance.repository.ts); erasure, which sets only the
 * note, does not fire it, so it never waits on a session row that a registration's `booked` count holds.
 */
export class SessionCancellation1764440000001 implements MigrationInterface {
  name = 'SessionCancellation1764440000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE sessions
        ADD COLUMN cancellation_reason text CHECK (length(cancellation_reason) BETWEEN 1 AND 2000),
        ADD COLUMN cancelled_at timestamptz,
        ADD COLUMN cancelled_by uuid REFERENCES users (id),
        ADD COLUMN replaces_session_id uuid REFERENCES sessions (id),
        ADD COLUMN off_site boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT sessions_not_replacing_itself CHECK (replaces_session_id <> id)
    `);
    await db.query(`CREATE UNIQUE INDEX sessions_one_make_up ON sessions (replaces_session_id) WHERE replaces_session_id IS NOT NULL`);
    await db.query(`
      ALTER TABLE contracts
        ADD COLUMN cancelled_sessions text NOT NULL DEFAULT 'credit' CHECK (cancelled_sessions IN ('make_up', 'credit'))
    `);
    await db.query(`
      CREATE FUNCTION attendance_session_rules() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await db.query(`
      CREATE TRIGGER attendance_session_rules BEFORE INSERT OR UPDATE OF session_id, participant_id, status ON attendance
        FOR EACH ROW EXECUTE FUNCTION attendance_session_rules()
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER attendance_session_rules ON attendance`);
    await db.query(`DROP FUNCTION attendance_session_rules()`);
    await db.query(`ALTER TABLE contracts DROP COLUMN cancelled_sessions`);
    await db.query(`DROP INDEX sessions_one_make_up`);
    await db.query(`
      ALTER TABLE sessions
        DROP CONSTRAINT sessions_not_replacing_itself,
        DROP COLUMN off_site,
        DROP COLUMN replaces_session_id,
        DROP COLUMN cancelled_by,
        DROP COLUMN cancelled_at,
        DROP COLUMN cancellation_reason
    `);
  }
}
