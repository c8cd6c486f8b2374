import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case notes (versions, never edits), idempotency keys, the append-only audit trail, and the outbox of
 * safeguarding alerts.
 *
 * The text '[erased]' below is ERASED_TEXT in src/data-protection/anonymisation.ts: erasure is the only
 * change a case note version may undergo.
 */
export class CaseNotes1764190000000 implements MigrationInterface {
  name = 'CaseNotes1764190000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE case_notes (
        id                    uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        participant_id        uuid NOT NULL REFERENCES participants (id),
        category              text NOT NULL
                              CHECK (category IN ('general', 'progress', 'behaviour', 'health', 'safeguarding', 'achievement')),
        occurred_at           timestamptz NOT NULL,
        session_id            uuid REFERENCES sessions (id),
        -- who wrote it, stamped from the token: a user or an integration, and its name at the time
        author_kind           text NOT NULL CHECK (author_kind IN ('user', 'integration')),
        author_id             uuid NOT NULL,
        author_name           text NOT NULL,
        -- the person an integration says wrote it (the support worker's name in the form tool)
        reported_author_name  text,
        -- the current version; the bodies live in case_note_versions
        version               integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now()
      )
    `);
    await db.query(`CREATE INDEX case_notes_participant_idx ON case_notes (participant_id, id)`);

    await db.query(`
      CREATE TABLE case_note_versions (
        id                    uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        case_note_id          uuid NOT NULL REFERENCES case_notes (id),
        version               integer NOT NULL CHECK (version >= 1),
        body                  text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 10000),
        -- why the note was amended; the first version has none, every later one must
        reason                text CHECK (char_length(reason) BETWEEN 1 AND 1000),
        author_kind           text NOT NULL CHECK (author_kind IN ('user', 'integration')),
        author_id             uuid NOT NULL,
        author_name           text NOT NULL,
        reported_author_name  text,
        created_at            timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT case_note_versions_version_key UNIQUE (case_note_id, version),
        CONSTRAINT case_note_versions_reason CHECK ((version = 1) = (reason IS NULL))
      )
    `);
    // The note's current version always exists (checked at commit: the note and its first version are
    // written in one transaction).
    await db.query(`
      ALTER TABLE case_notes ADD CONSTRAINT case_notes_current_version
        FOREIGN KEY (id, version) REFERENCES case_note_versions (case_note_id, version) DEFERRABLE INITIALLY DEFERRED
    `);

    // Versions, never edits: a note may only move to its next version (or lose the name an integration
    // reported, on erasure); a version may only be anonymised; neither is ever deleted.
    await db.query(`
      CREATE FUNCTION case_notes_never_edited() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND (NEW.id, NEW.participant_id, NEW.category, NEW.occurred_at, NEW.session_id,
                NEW.author_kind, NEW.author_id, NEW.author_name, NEW.created_at)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.participant_id, OLD.category, OLD.occurred_at, OLD.session_id,
                OLD.author_kind, OLD.author_id, OLD.author_name, OLD.created_at)
           AND NEW.version IN (OLD.version, OLD.version + 1)
           AND (NEW.reported_author_name IS NULL OR NEW.reported_author_name IS NOT DISTINCT FROM OLD.reported_author_name)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'case notes are never edited or deleted (% refused): amend the note instead', TG_OP
          USING ERRCODE = 'integrity_constraint_violation';
      END $$
    `);
    await db.query(`
      CREATE TRIGGER case_notes_never_edited BEFORE UPDATE OR DELETE ON case_notes
        FOR EACH ROW EXECUTE FUNCTION case_notes_never_edited()
    `);
    await db.query(`
      CREATE FUNCTION case_note_versions_never_edited() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND NEW.body = '[erased]'
           AND NEW.reported_author_name IS NULL
           AND (NEW.reason IS NULL OR NEW.reason = '[erased]')
           AND (NEW.id, NEW.case_note_id, NEW.version, NEW.author_kind, NEW.author_id, NEW.author_name, NEW.created_at)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.case_note_id, OLD.version, OLD.author_kind, OLD.author_id, OLD.author_name, OLD.created_at)
        THEN
          RETURN NEW; -- erasure: the only change a version may undergo
        END IF;
        RAISE EXCEPTION 'case note versions are never edited or deleted (% refused): amend the note instead', TG_OP
          USING ERRCODE = 'integrity_constraint_violation';
      END $$
    `);
    await db.query(`
      CREATE TRIGGER case_note_versions_never_edited BEFORE UPDATE OR DELETE ON case_note_versions
        FOR EACH ROW EXECUTE FUNCTION case_note_versions_never_edited()
    `);

    // Idempotency keys, scoped to the caller. The row is inserted in the same transaction as the note
    // it stands for, so the primary key decides which of several concurrent requests creates the note.
    await db.query(`
      CREATE TABLE idempotency_keys (
        principal_kind   text NOT NULL CHECK (principal_kind IN ('user', 'integration')),
        principal_id     uuid NOT NULL,
        key              text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
        -- SHA-256 of the request (method, path, canonical JSON body)
        request_hash     char(64) NOT NULL,
        response_status  integer,
        response_body    jsonb,
        created_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (principal_kind, principal_id, key)
      )
    `);
    await db.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);

    // Who read or changed special category data, when. Append-only: a trigger refuses UPDATE, DELETE
    // and TRUNCATE, so not even the application can rewrite history.
    await db.query(`
      CREATE TABLE audit_events (
        id              uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_kind      text NOT NULL CHECK (actor_kind IN ('user', 'integration', 'system')),
        actor_id        uuid,
        actor_name      text NOT NULL,
        action          text NOT NULL CHECK (action IN ('read', 'create', 'amend', 'export', 'erase')),
        subject_type    text NOT NULL CHECK (subject_type IN ('case_note', 'participant')),
        subject_id      uuid NOT NULL,
        -- the child the event is about (for subject access requests)
        participant_id  uuid REFERENCES participants (id),
        detail          text,
        request_id      text,
        CONSTRAINT audit_events_actor CHECK ((actor_kind = 'system') = (actor_id IS NULL))
      )
    `);
    await db.query(`CREATE INDEX audit_events_subject_idx ON audit_events (subject_type, subject_id, id)`);
    await db.query(`CREATE INDEX audit_events_participant_idx ON audit_events (participant_id, id)`);
    await db.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$
    `);
    await db.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
    `);
    await db.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
    `);

    // The outbox of safeguarding alerts: written in the note's transaction, delivered through Bull.
    await db.query(`
      CREATE TABLE safeguarding_alerts (
        id                uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        case_note_id      uuid NOT NULL UNIQUE REFERENCES case_notes (id),
        participant_id    uuid NOT NULL REFERENCES participants (id),
        -- pending: not yet in the queue; queued; retrying: an attempt failed, Bull will try again;
        -- delivered; failed: every attempt failed
        status            text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'queued', 'retrying', 'delivered', 'failed')),
        attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_http_status  integer,
        last_error        text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        enqueued_at       timestamptz,
        last_attempt_at   timestamptz,
        delivered_at      timestamptz,
        CONSTRAINT safeguarding_alerts_delivered CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
      )
    `);
    await db.query(`CREATE INDEX safeguarding_alerts_pending_idx ON safeguarding_alerts (created_at) WHERE status = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE safeguarding_alerts`);
    await db.query(`DROP TABLE audit_events`);
    await db.query(`DROP FUNCTION audit_events_append_only()`);
    await db.query(`DROP TABLE idempotency_keys`);
    await db.query(`ALTER TABLE case_notes DROP CONSTRAINT case_notes_current_version`);
    await db.query(`DROP TABLE case_note_versions`);
    await db.query(`DROP TABLE case_notes`);
    await db.query(`DROP FUNCTION case_note_versions_never_edited()`);
    await db.query(`DROP FUNCTION case_notes_never_edited()`);
  }
}
