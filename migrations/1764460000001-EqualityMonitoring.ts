import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Equality monitoring on participants (API.md 1.1), each optional and allowing 'prefer_not_to_say':
 * gender, ethnicity (the 19 groups of the 2021 Census of England and Wales), disability_categories (the
 * SEN primary type of need categories of the DfE school census; 'prefer_not_to_say' only alone) and
 * postcode_district (a postcode's outward code only, e.g. CB2). The value lists are those of
 * src/participants/equality-monitoring.ts. Erasure sets them to NULL.
 */
export class EqualityMonitoring1764460000001 implements MigrationInterface {
  name = 'EqualityMonitoring1764460000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE participants
        ADD COLUMN gender text
            CONSTRAINT participants_gender CHECK (gender IN ('female', 'male', 'non_binary', 'other', 'prefer_not_to_say')),
        ADD COLUMN ethnicity text
            CONSTRAINT participants_ethnicity CHECK (ethnicity IN (
              'white_british', 'white_irish', 'white_gypsy_or_irish_traveller', 'white_roma', 'white_other',
              'mixed_white_and_black_caribbean', 'mixed_white_and_black_african', 'mixed_white_and_asian', 'mixed_other',
              'asian_indian', 'asian_pakistani', 'asian_bangladeshi', 'asian_chinese', 'asian_other',
              'black_caribbean', 'black_african', 'black_other',
              'other_arab', 'other_ethnic_group', 'prefer_not_to_say')),
        ADD COLUMN disability_categories text[]
            CONSTRAINT participants_disability_categories CHECK (
              disability_categories <@ ARRAY[
                'specific_learning_difficulty', 'moderate_learning_difficulty', 'severe_learning_difficulty', 'profound_and_multiple_learning_difficulty',
                'social_emotional_and_mental_health', 'speech_language_and_communication_needs', 'hearing_impairment', 'vision_impairment',
                'multi_sensory_impairment', 'physical_disability', 'autistic_spectrum_disorder', 'other_difficulty_or_disability', 'no_specialist_assessment', 'prefer_not_to_say']::text[]
              AND (NOT 'prefer_not_to_say' = ANY (disability_categories) OR cardinality(disability_categories) = 1)),
        ADD COLUMN postcode_district text
            CONSTRAINT participants_postcode_district CHECK (postcode_district ~ '^[A-Z]{1,2}[0-9][A-Z0-9]?$' OR postcode_district = 'prefer_not_to_say')
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE participants DROP COLUMN postcode_district, DROP COLUMN disability_categories, DROP COLUMN ethnicity, DROP COLUMN gender`);
  }
}
