import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11, item 5 ("Each rule in one place"): an invoice's status has one definition.
 *
 *   document_status(kind, total_pence, paid_pence, credited_pence)
 *     derived, never stored: a credit note is always 'issued'; an invoice is 'credited' when its credits
 *     cover its (non-zero) total, 'paid' when payments settle what the credits left, otherwise 'issued'.
 *
 * GET /invoices selects it as the document's `status` column and filters `?status=` by it
 * (src/billing/documents/billing-documents.repository.ts); a payment's response asks it for the invoice's status right
 * after that payment (src/billing/payments/payments.repository.ts). It replaces the TypeScript documentStatus and the
 * CASE the list's filter repeated. Its cases: test/document-status-rule.e2e-spec.ts.
 */
export class DocumentStatus1764495000000 implements MigrationInterface {
  name = 'DocumentStatus1764495000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // document_status: an invoice's or credit note's status (issued | paid | credited); cases: test/document-status-rule.e2e-spec.ts
    await queryRunner.query(`
      CREATE FUNCTION document_status(kind text, total_pence bigint, paid_pence bigint, credited_pence bigint)
      RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
                 WHEN kind <> 'invoice' THEN 'issued'
                 WHEN credited_pence >= total_pence AND total_pence > 0 THEN 'credited'
                 WHEN paid_pence > 0 AND paid_pence >= total_pence - credited_pence THEN 'paid'
                 ELSE 'issued'
               END
      $$
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION document_status(text, bigint, bigint, bigint)`);
  }
}
