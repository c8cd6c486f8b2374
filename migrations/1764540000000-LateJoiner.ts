import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11, item 5 ("Each rule in one place"): DOMAIN's "late joiner" has one definition.
 *
 *   late_joiner(registered_on, census_date)
 *     a place taken after the census date (DOMAIN "Late joiner", rule 12): true when registered_on is after
 *     census_date; false for a registration that never took a place (registered_on null).
 *
 * The headcount's lateJoiners (src/headcounts/headcount.repository.ts: late joiners whose place is still
 * billable, place_billable), the billing ledger's 'late_joiner' lines and cancelled-session credits
 * (src/billing/documents/billing-ledger.repository.ts), place_price and place_cancellation_credit_pence (which
 * wrote the rule in their own bodies until migrations/1764560000000) call it; it replaces the TypeScript
 * isLateJoiner/placeBillable that mirrored the SQL. Its cases, and place_billable's: test/census-rule.e2e-spec.ts.
 */
export class LateJoiner1764540000000 implements MigrationInterface {
  name = 'LateJoiner1764540000000';

  public async up(db: QueryRunner): Promise<void> {
    // late_joiner: the late-joiner rule (DOMAIN "Late joiner"), called by the headcount, the billing ledger, place_price and
    // place_cancellation_credit_pence (migrations/1764560000000); cases in test/census-rule.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION late_joiner(p_registered_on date, p_census_date date)
      RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
        SELECT p_registered_on IS NOT NULL AND p_registered_on > p_census_date
      $$
    `);
  }

  public async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION late_joiner(date, date)`);
  }
}
