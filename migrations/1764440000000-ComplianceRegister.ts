import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, the compliance register (API.md v1.1 "Staff, compliance and session readiness").
 *
 * compliance_documents  every document ever recorded, by kind and subject (the organisation: no
 *                       subject_id; a user; a programme). Of one kind and subject, one is current
 *                       (superseded_by IS NULL, at most one: a partial unique index); the others are
 *                       history, each naming the document that superseded it (deferred: the old
 *                       current is superseded before its successor is inserted, as the index asks).
 * compliance_reminders  each expiry reminder raised (60, 30, 7 days before the expiry, and on the
 *                       day): the primary key (document_id, threshold) is what makes it "once each",
 *                       however many workers run the daily job or however often it is retried. A later
 *                       issue turns these rows into notifications (notified_at).
 * session_staff         the rota: support workers rostered on sessions (the compliance status asks a
 *                       DBS check of each support worker rostered on a future session).
 */
export class ComplianceRegister1764440000000 implements MigrationInterface {
  name = 'ComplianceRegister1764440000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE compliance_documents (
        id             uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        kind           text NOT NULL CHECK (kind IN (
                         'employers_liability_insurance', 'public_liability_insurance', 'professional_indemnity_insurance',
                         'safeguarding_policy', 'health_and_safety_policy', 'equality_policy', 'environmental_policy',
                         'quality_assurance', 'ofsted_registration', 'cqc_registration', 'dbs_check', 'first_aid_training',
                         'safeguarding_training', 'risk_assessment')),
        subject_type   text NOT NULL CHECK (subject_type IN ('organisation', 'user', 'programme')),
        subject_id     uuid,
        reference      text CHECK (length(reference) <= 200),
        issued_on      date NOT NULL,
        expires_on     date,
        notes          text CHECK (length(notes) <= 4000),
        superseded_by  uuid REFERENCES compliance_documents (id) DEFERRABLE INITIALLY DEFERRED,
        superseded_at  timestamptz,
        created_by     uuid NOT NULL REFERENCES users (id),
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT compliance_documents_subject CHECK ((subject_type = 'organisation') = (subject_id IS NULL)),
        CONSTRAINT compliance_documents_dates CHECK (expires_on IS NULL OR expires_on >= issued_on),
        CONSTRAINT compliance_documents_superseded CHECK ((superseded_by IS NULL) = (superseded_at IS NULL))
      )
    `);
    await db.query(`
      CREATE UNIQUE INDEX compliance_documents_one_current
        ON compliance_documents (kind, subject_type, coalesce(subject_id, '00000000-0000-0000-0000-000000000000'))
        WHERE superseded_by IS NULL
    `);
    await db.query(`CREATE INDEX compliance_documents_subject_idx ON compliance_documents (subject_type, subject_id, kind)`);
    await db.query(`CREATE INDEX compliance_documents_expiry_idx ON compliance_documents (expires_on) WHERE superseded_by IS NULL`);
    await db.query(`
      CREATE TABLE compliance_reminders (
        id           uuid NOT NULL UNIQUE DEFAULT uuid_generate_v7(),
        document_id  uuid NOT NULL REFERENCES compliance_documents (id),
        threshold    integer NOT NULL CHECK (threshold IN (60, 30, 7, 0)),
        expires_on   date NOT NULL,
        due_on       date NOT NULL,
        raised_on    date NOT NULL,
        raised_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
        notified_at  timestamptz,
        PRIMARY KEY (document_id, threshold)
      )
    `);
    await db.query(`
      CREATE TABLE session_staff (
        session_id   uuid NOT NULL REFERENCES sessions (id),
        user_id      uuid NOT NULL REFERENCES users (id),
        rostered_by  uuid NOT NULL REFERENCES users (id),
        rostered_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, user_id)
      )
    `);
    await db.query(`CREATE INDEX session_staff_user_idx ON session_staff (user_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE session_staff`);
    await db.query(`DROP TABLE compliance_reminders`);
    await db.query(`DROP TABLE compliance_documents`);
  }
}
