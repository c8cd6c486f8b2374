import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11, item 5 ("Each rule in one place"): which expiry reminder is due has one definition.
 *
 *   reminder_due(expires_on, on, thresholds)
 *     the most urgent threshold (days before the expiry; 0: on the day) whose day has come by `on`, so a day
 *     the job did not run is made up by the next run, and a document recorded 20 days before its expiry
 *     gets its 30-day reminder, not a stale 60-day one; null before the first, or without an expiry.
 *     The thresholds are the code's (REMINDER_THRESHOLDS of src/compliance/compliance-rules.ts).
 *
 * The daily reminder job (ComplianceDocumentRepository.raiseReminders) selects it for every current
 * document; it replaces the TypeScript reminderDue, which the SQL of that job restated. Its cases:
 * test/reminder-due-rule.e2e-spec.ts.
 */
export class ReminderDue1764540000002 implements MigrationInterface {
  name = 'ReminderDue1764540000002';

  public async up(db: QueryRunner): Promise<void> {
    // reminder_due: the compliance expiry reminder due on a day; cases: test/reminder-due-rule.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION reminder_due(p_expires_on date, p_on date, p_thresholds integer[])
      RETURNS integer LANGUAGE sql IMMUTABLE AS $$
        SELECT min(th) FROM unnest(p_thresholds) AS th WHERE p_expires_on - th <= p_on
      $$
    `);
  }

  public async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION reminder_due(date, date, integer[])`);
  }
}
