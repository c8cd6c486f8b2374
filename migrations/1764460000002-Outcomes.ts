import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outcomes (API.md 1.1): an Arts Award level worked toward or achieved, or progression to other events,
 * work experience or volunteering, evidenced by case notes of the same participant. An Arts Award names
 * its level and only it does; an achieved outcome has its date, one worked toward has none.
 */
export class Outcomes1764460000002 implements MigrationInterface {
  name = 'Outcomes1764460000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE outcomes (
        id                 uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
        participant_id     uuid NOT NULL REFERENCES participants (id),
        kind               text NOT NULL CHECK (kind IN ('arts_award', 'other_event', 'work_experience', 'volunteering', 'other')),
        level              text CHECK (level IN ('discover', 'explore', 'bronze', 'silver', 'gold')),
        status             text NOT NULL CHECK (status IN ('working_towards', 'achieved')),
        achieved_on        date,
        description        text,
        programme_id       uuid REFERENCES programmes (id),
        term_id            uuid REFERENCES terms (id),
        evidence_note_ids  uuid[] NOT NULL DEFAULT '{}',
        recorded_on        date NOT NULL,
        recorded_by_id     uuid,
        recorded_by_name   text NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT outcomes_level_is_arts_award CHECK ((kind = 'arts_award') = (level IS NOT NULL)),
        CONSTRAINT outcomes_achieved_dated CHECK ((status = 'achieved') = (achieved_on IS NOT NULL))
      )
    `);
    await db.query(`CREATE INDEX outcomes_participant ON outcomes (participant_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE outcomes`);
  }
}
