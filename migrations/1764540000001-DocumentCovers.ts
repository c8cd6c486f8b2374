import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11, item 5 ("Each rule in one place"): whether a compliance document covers a date has one definition.
 *
 *   document_covers(issued_on, expires_on, on)
 *     issued on or before `on` and not expired by then (expires_on is its last valid day; null: never
 *     expires). Rule 15: a support worker is rostered only with a DBS check that covers the session's date.
 *
 * Rostering (src/staffing/session-staff.repository.ts) and a change to a DBS check that would leave a
 * rostered session uncovered (src/compliance/compliance-document.repository.ts) select it; it replaces the
 * TypeScript coversDate of src/compliance/compliance-rules.ts, which restated the SQL of the latter. Its
 * cases: test/document-covers-rule.e2e-spec.ts.
 */
export class DocumentCovers1764540000001 implements MigrationInterface {
  name = 'DocumentCovers1764540000001';

  public async up(db: QueryRunner): Promise<void> {
    // document_covers: a compliance document covers a date (rule 15's DBS check); cases: test/document-covers-rule.e2e-spec.ts
    await db.query(`
      CREATE FUNCTION document_covers(p_issued_on date, p_expires_on date, p_on date)
      RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
        SELECT p_issued_on <= p_on AND (p_expires_on IS NULL OR p_on <= p_expires_on)
      $$
    `);
  }

  public async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION document_covers(date, date, date)`);
  }
}
