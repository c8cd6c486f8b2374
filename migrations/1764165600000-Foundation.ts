import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Identities and the reference data of the domain: users, integrations, commissioners, contracts,
 * programmes, terms, sessions, participants and personal budgets.
 * Ids are UUIDv7 (time-ordered), so keyset paging by id lists records in creation order.
 */
export class Foundation1764165600000 implements MigrationInterface {
  name = 'Foundation1764165600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION uuid_generate_v7() RETURNS uuid AS $$
        SELECT encode(
          set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1),
          'hex')::uuid
      $$ LANGUAGE sql VOLATILE PARALLEL SAFE
    `);

    await db.query(`
      CREATE TABLE users (
        id               uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        name             text NOT NULL,
        email            text NOT NULL,
        role             text NOT NULL CHECK (role IN ('admin', 'coordinator', 'support_worker', 'finance', 'safeguarding_lead')),
        token_hash       char(64) UNIQUE,
        token_issued_at  timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now()
      )
    `);
    await db.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);

    await db.query(`
      CREATE TABLE integrations (
        id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        name        text NOT NULL,
        scopes      text[] NOT NULL
                    CHECK (cardinality(scopes) >= 1
                           AND scopes <@ ARRAY['case-notes:write', 'attendance:write', 'participants:read']::text[]),
        key_hash    char(64) NOT NULL UNIQUE,
        created_by  uuid REFERENCES users (id),
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz
      )
    `);

    await db.query(`
      CREATE TABLE commissioners (
        id                  uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        name                text NOT NULL,
        code                text NOT NULL,
        invoice_email       text,
        address             text,
        payment_terms_days  integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )
    `);
    await db.query(`CREATE UNIQUE INDEX commissioners_code_key ON commissioners (lower(code))`);

    await db.query(`
      CREATE TABLE programmes (
        id           uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        name         text NOT NULL,
        venue        text NOT NULL,
        min_age      integer NOT NULL CHECK (min_age BETWEEN 0 AND 25),
        max_age      integer NOT NULL CHECK (max_age BETWEEN 0 AND 25),
        capacity     integer NOT NULL DEFAULT 12 CHECK (capacity >= 1),
        description  text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT programmes_age_range CHECK (min_age <= max_age)
      )
    `);

    await db.query(`
      CREATE TABLE contracts (
        id                     uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        commissioner_id        uuid NOT NULL REFERENCES commissioners (id),
        reference              text NOT NULL,
        starts_on              date NOT NULL,
        ends_on                date NOT NULL,
        price_per_term_pence   integer NOT NULL CHECK (price_per_term_pence >= 0),
        min_participants       integer CHECK (min_participants >= 0),
        po_number              text,
        vat_rate_basis_points  integer NOT NULL DEFAULT 0 CHECK (vat_rate_basis_points BETWEEN 0 AND 10000),
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contracts_dates CHECK (starts_on <= ends_on),
        CONSTRAINT contracts_reference_key UNIQUE (commissioner_id, reference)
      )
    `);
    await db.query(`
      CREATE TABLE contract_programmes (
        contract_id   uuid NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
        programme_id  uuid NOT NULL REFERENCES programmes (id),
        PRIMARY KEY (contract_id, programme_id)
      )
    `);
    await db.query(`CREATE INDEX contract_programmes_programme_idx ON contract_programmes (programme_id)`);

    await db.query(`
      CREATE TABLE terms (
        id           uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        name         text NOT NULL,
        starts_on    date NOT NULL,
        ends_on      date NOT NULL,
        census_date  date NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT terms_dates CHECK (starts_on <= ends_on),
        CONSTRAINT terms_census_within_term CHECK (census_date BETWEEN starts_on AND ends_on),
        CONSTRAINT terms_no_overlap EXCLUDE USING gist (daterange(starts_on, ends_on, '[]') WITH &&)
      )
    `);

    await db.query(`
      CREATE TABLE sessions (
        id            uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        programme_id  uuid NOT NULL REFERENCES programmes (id),
        term_id       uuid NOT NULL REFERENCES terms (id),
        date          date NOT NULL,
        start_time    time NOT NULL,
        end_time      time NOT NULL,
        venue         text NOT NULL,
        capacity      integer NOT NULL CHECK (capacity >= 1),
        booked        integer NOT NULL DEFAULT 0 CHECK (booked >= 0),
        created_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sessions_times CHECK (start_time < end_time),
        CONSTRAINT sessions_within_capacity CHECK (booked <= capacity),
        CONSTRAINT sessions_programme_date_start_key UNIQUE (programme_id, date, start_time)
      )
    `);
    await db.query(`CREATE INDEX sessions_programme_term_idx ON sessions (programme_id, term_id, date)`);

    // The row that owns a programme-term's places: every registration and every change to capacity
    // locks it. places = min(programme capacity, capacity of each session in the term).
    await db.query(`
      CREATE TABLE programme_terms (
        programme_id  uuid NOT NULL REFERENCES programmes (id),
        term_id       uuid NOT NULL REFERENCES terms (id),
        places        integer NOT NULL CHECK (places >= 1),
        registered    integer NOT NULL DEFAULT 0 CHECK (registered >= 0),
        PRIMARY KEY (programme_id, term_id),
        CONSTRAINT programme_terms_within_places CHECK (registered <= places)
      )
    `);

    await db.query(`
      CREATE TABLE participants (
        id                  uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        first_name          text NOT NULL,
        last_name           text NOT NULL,
        date_of_birth       date NOT NULL,
        guardians           jsonb NOT NULL,
        emergency_contacts  jsonb NOT NULL DEFAULT '[]',
        needs               text,
        medical_notes       text,
        photo_consent       boolean NOT NULL DEFAULT false,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        erased_at           timestamptz,
        CONSTRAINT participants_guardians CHECK (
          jsonb_typeof(guardians) = 'array' AND (erased_at IS NOT NULL OR jsonb_array_length(guardians) >= 1))
      )
    `);

    await db.query(`
      CREATE TABLE personal_budgets (
        id               uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        participant_id   uuid NOT NULL REFERENCES participants (id),
        commissioner_id  uuid NOT NULL REFERENCES commissioners (id),
        type             text NOT NULL CHECK (type IN ('managed', 'direct_payment')),
        reference        text NOT NULL,
        amount_pence     integer NOT NULL CHECK (amount_pence >= 0),
        committed_pence  integer NOT NULL DEFAULT 0,
        valid_from       date NOT NULL,
        valid_to         date NOT NULL,
        holder_name      text,
        holder_email     text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT personal_budgets_dates CHECK (valid_from <= valid_to),
        CONSTRAINT personal_budgets_committed_within_amount CHECK (committed_pence BETWEEN 0 AND amount_pence),
        CONSTRAINT personal_budgets_direct_payment_holder CHECK (
          type <> 'direct_payment' OR (holder_name IS NOT NULL AND holder_email IS NOT NULL)),
        CONSTRAINT personal_budgets_reference_key UNIQUE (commissioner_id, reference)
      )
    `);
    await db.query(`CREATE INDEX personal_budgets_participant_idx ON personal_budgets (participant_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE personal_budgets`);
    await db.query(`DROP TABLE participants`);
    await db.query(`DROP TABLE programme_terms`);
    await db.query(`DROP TABLE sessions`);
    await db.query(`DROP TABLE terms`);
    await db.query(`DROP TABLE contract_programmes`);
    await db.query(`DROP TABLE contracts`);
    await db.query(`DROP TABLE programmes`);
    await db.query(`DROP TABLE commissioners`);
    await db.query(`DROP TABLE integrations`);
    await db.query(`DROP TABLE users`);
    await db.query(`DROP FUNCTION uuid_generate_v7()`);
  }
}
