import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11, item 5 ("Each rule in one place"): the two money functions that still wrote DOMAIN's "late
 * joiner" rule in their own bodies call its one definition, late_joiner (migrations/1764540000000).
 *
 *   place_price                      (latest definition: migrations/1764400000000) a place counted at the
 *                                    census keeps the period's price when
 *                                      `p_registered_on IS NULL OR p_registered_on <= t.census_date`,
 *                                    now `NOT late_joiner(p_registered_on, t.census_date)`
 *   place_cancellation_credit_pence  (latest definition: migrations/1764470000000) tells
 *                                    place_cancellation_shares whether the place is a late joiner with
 *                                    `r.registered_on > t.census_date`, now `late_joiner(r.registered_on, t.census_date)`
 *                                    (as the billing ledger's cancelled-session credits already do)
 *
 * Everything else in the two bodies is unchanged, byte for byte. The results are the same in every case:
 *   - place_price: NOT late_joiner(r, c) is NOT (r IS NOT NULL AND r > c), i.e. r IS NULL OR NOT (r > c),
 *     which is r IS NULL OR r <= c for any r and c, nulls included (terms.census_date is NOT NULL anyway);
 *   - place_cancellation_credit_pence: `r > c` and late_joiner(r, c) differ only when registered_on is
 *     null (null against false), and the shares are only read in the branch guarded by place_billable,
 *     which is false when registered_on is null (the credit is then 0, as before).
 * Cases: test/census-rule.e2e-spec.ts (a place taken on the census date is not late, the day after is).
 * down() restores the previous bodies.
 */
export class LateJoinerInMoneyFunctions1764560000000 implements MigrationInterface {
  name = 'LateJoinerInMoneyFunctions1764560000000';

  public async up(db: QueryRunner): Promise<void> {
    await db.query(placePrice('NOT late_joiner(p_registered_on, t.census_date)'));
    await db.query(placeCancellationCreditPence('late_joiner(r.registered_on, t.census_date)'));
  }

  public async down(db: QueryRunner): Promise<void> {
    await db.query(placePrice('p_registered_on IS NULL OR p_registered_on <= t.census_date'));
    await db.query(placeCancellationCreditPence('r.registered_on > t.census_date'));
  }
}

/** place_price (migrations/1764400000000) with its test of a place counted at the census (not a late joiner). */
const placePrice = (notLateJoiner: string): string => `
      CREATE OR REPLACE FUNCTION place_price(p_contract uuid, p_programme uuid, p_term uuid, p_registered_on date)
      RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT CASE
                 WHEN ${notLateJoiner} THEN cp.price_per_term_pence
                 WHEN c.late_joiners = 'not_billed' THEN 0
                 WHEN s.n = 0 THEN cp.price_per_term_pence
                 ELSE ((2 * cp.price_per_term_pence::bigint * s.k + s.n) / (2 * s.n))::integer
               END
          FROM terms t
          JOIN contracts c ON c.id = p_contract
          CROSS JOIN LATERAL contract_period_on(c.id, t.starts_on) cp
          CROSS JOIN LATERAL (
            SELECT count(*) AS n, count(*) FILTER (WHERE x.date >= p_registered_on) AS k
              FROM sessions x WHERE x.programme_id = p_programme AND x.term_id = p_term AND x.status = 'scheduled') s
         WHERE t.id = p_term
      $$
    `;

/** place_cancellation_credit_pence (migrations/1764470000000) with its test of a late joiner. */
const placeCancellationCreditPence = (lateJoiner: string): string => `
      CREATE OR REPLACE FUNCTION place_cancellation_credit_pence(p_registration uuid, p_on date)
      RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN r.billing = 'place' AND b.type = 'managed' AND place_billable(r.registered_on, r.withdrawal_effective_on, t.census_date)
                    THEN (SELECT coalesce(sum(x.amount_pence), 0) FROM billing_ledger x WHERE x.registration_id = r.id AND x.unit LIKE 'cancelled:%')
                       + (SELECT coalesce(sum(sh.share_pence), 0)
                            FROM place_cancellation_shares(r.programme_id, r.term_id, r.registered_on, ${lateJoiner}, r.price_pence,
                                                           place_priced_at(r.created_at, r.registered_on)) sh
                            JOIN sessions s ON s.id = sh.session_id
                           WHERE s.status = 'cancelled'
                             AND NOT EXISTS (SELECT 1 FROM billing_ledger x WHERE x.registration_id = r.id AND x.unit = 'cancelled:' || s.id)
                             AND (c.cancelled_sessions = 'credit'
                                  OR (t.ends_on < p_on AND NOT EXISTS (SELECT 1 FROM sessions m WHERE m.replaces_session_id = s.id AND m.status = 'scheduled'))))
                    ELSE 0 END::integer
          FROM registrations r
          JOIN terms t ON t.id = r.term_id
          JOIN contracts c ON c.id = r.contract_id
          JOIN personal_budgets b ON b.id = r.budget_id
         WHERE r.id = p_registration
      $$
    `;
