import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referrals (API.md 1.1, "Referrals, outcomes and monitoring returns"): how a young person comes to the
 * provider and what was decided. A referral is `received` until one decision (accepted, declined,
 * withdrawn) moves it on; the decision is made by a conditional UPDATE (status still 'received'), so two
 * racing decisions never both land. An accepted referral always names its participant (a CHECK).
 */
export class Referrals1764460000000 implements MigrationInterface {
  name = 'Referrals1764460000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE referrals (
        id               uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        source           text NOT NULL CHECK (source IN ('council', 'school', 'family', 'health', 'other')),
        commissioner_id  uuid REFERENCES commissioners (id),
        referred_on      date NOT NULL,
        programme_id     uuid REFERENCES programmes (id),
        participant_id   uuid REFERENCES participants (id),
        -- who the child is before a participant record exists (erased with the participant)
        child_first_name text,
        child_last_name  text,
        notes            text,
        status           text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'accepted', 'declined', 'withdrawn')),
        reason           text,
        decided_at       timestamptz,
        decided_by_kind  text CHECK (decided_by_kind IN ('user', 'integration')),
        decided_by_id    uuid,
        decided_by_name  text,
        created_by_id    uuid,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT referrals_accepted_names_participant CHECK (status <> 'accepted' OR participant_id IS NOT NULL),
        CONSTRAINT referrals_decision_stamped CHECK ((status = 'received') = (decided_at IS NULL))
      )
    `);
    await db.query(`CREATE INDEX referrals_status ON referrals (status, id)`);
    await db.query(`CREATE INDEX referrals_commissioner_referred_on ON referrals (commissioner_id, referred_on)`);
    await db.query(`CREATE INDEX referrals_participant ON referrals (participant_id) WHERE participant_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE referrals`);
  }
}
