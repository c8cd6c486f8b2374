import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registrations (a participant's place on a programme for a term, paid from one personal budget),
 * the waitlist, and attendance.
 */
export class Registrations1764180000000 implements MigrationInterface {
  name = 'Registrations1764180000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE registrations (
        id                        uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        participant_id            uuid NOT NULL REFERENCES participants (id),
        programme_id              uuid NOT NULL,
        term_id                   uuid NOT NULL,
        budget_id                 uuid NOT NULL REFERENCES personal_budgets (id),
        contract_id               uuid NOT NULL REFERENCES contracts (id),
        status                    text NOT NULL CHECK (status IN ('registered', 'waitlisted', 'withdrawn')),
        price_pence               integer NOT NULL CHECK (price_pence >= 0),
        -- first come, first served: the order in which requests took the programme-term's lock
        queue_seq                 bigint GENERATED ALWAYS AS IDENTITY,
        -- when the registration took a place (at creation, or when promoted from the waitlist)
        registered_on             date,
        -- what this registration holds committed against its budget right now
        committed_pence           integer NOT NULL DEFAULT 0 CHECK (committed_pence >= 0),
        withdrawn_at              timestamptz,
        withdrawal_effective_on   date,
        withdrawal_reason         text,
        created_by                uuid,
        created_at                timestamptz NOT NULL DEFAULT now(),
        updated_at                timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (programme_id, term_id) REFERENCES programme_terms (programme_id, term_id),
        CONSTRAINT registrations_withdrawal CHECK (
          (status = 'withdrawn') = (withdrawn_at IS NOT NULL AND withdrawal_effective_on IS NOT NULL)),
        CONSTRAINT registrations_registered_on CHECK (status <> 'registered' OR registered_on IS NOT NULL),
        CONSTRAINT registrations_commitment CHECK (committed_pence IN (0, price_pence)),
        CONSTRAINT registrations_waitlisted_commits_nothing CHECK (status <> 'waitlisted' OR committed_pence = 0)
      )
    `);
    // Rule 4: one active (registered or waitlisted) registration per participant, programme and term.
    await db.query(`
      CREATE UNIQUE INDEX registrations_one_active ON registrations (participant_id, programme_id, term_id)
        WHERE status IN ('registered', 'waitlisted')
    `);
    await db.query(`CREATE INDEX registrations_programme_term_idx ON registrations (programme_id, term_id, status, queue_seq)`);
    await db.query(`CREATE INDEX registrations_participant_idx ON registrations (participant_id)`);
    await db.query(`CREATE INDEX registrations_budget_idx ON registrations (budget_id)`);

    await db.query(`
      CREATE TABLE attendance (
        session_id      uuid NOT NULL REFERENCES sessions (id),
        participant_id  uuid NOT NULL REFERENCES participants (id),
        status          text NOT NULL CHECK (status IN ('present', 'absent', 'late', 'excused')),
        note            text,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        recorded_by     text NOT NULL,
        PRIMARY KEY (session_id, participant_id)
      )
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE attendance`);
    await db.query(`DROP TABLE registrations`);
  }
}
