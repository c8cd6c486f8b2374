import fc from 'fast-check';
import pg from 'pg';
import { executeBillingRun } from '../src/billing/runs/billing-transactions.js';
import { CommitmentsRepository } from '../src/registrations/commitments.repository.js';
import type { Queryable } from '../src/database/sql.js';
import { addDays } from './factories.js';
import { inPgTransaction } from './support/billing.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Rules 5, 11-13 as properties, against the real database: for random terms, sessions (some cancelled,
 * some added late), places taken at random dates (before or after the census, some waitlisted then
 * promoted), withdrawals (some backdated), billing runs of random quarters on random days (reruns
 * included), then every quarter run after the term and the term-end settlement:
 *   - a registration is never billed more than its pricePence, at any point;
 *   - every document line is the sum of its ledger entries, every document the sum of its lines;
 *   - every budget's committed money is the sum of its registrations' commitments, at any point;
 *   - once everything is run after the term: what each registration was billed = what the rules say it
 *     should be billed (for a direct payment: the share of the sessions its place covered) = what it
 *     has committed.
 * Registering, withdrawing and billing are the service's own SQL functions and billing transaction.
 */
/** Cases per run (PROPERTY_RUNS=<n> for more); each is a whole term billed through, about a second on a busy machine. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

describe('billing properties', () => {
  let t: TestApp;
  let pool: pg.Pool;
  let year = 2200;

  beforeAll(async () => {
    t = await createTestApp();
    pool = new pg.Pool({ connectionString: t.databaseUrl, max: 4 });
  });
  afterAll(async () => {
    await pool?.end();
    await t?.close();
  });

  const q = (text: string, params: unknown[] = []) => pool.query(text, params).then((r) => r.rows);

  const inTransaction = <T>(work: (sql: Queryable) => Promise<T>) => inPgTransaction(pool, work);

  async function run(quarter: string, runOn: string): Promise<void> {
    const [row] = await q(`INSERT INTO billing_runs (quarter, status) VALUES ($1, 'failed') RETURNING id`, [quarter]);
    await inTransaction((sql) => executeBillingRun(sql, row.id, runOn));
  }

  /** The invariants that hold at every moment. */
  async function checkAlways(termId: string): Promise<void> {
    const overBilled = await q(
      `SELECT r.id, r.price_pence, sum(l.change * l.amount_pence) AS billed
         FROM registrations r JOIN billing_ledger l ON l.registration_id = r.id
        WHERE r.term_id = $1 GROUP BY r.id HAVING sum(l.change * l.amount_pence) > r.price_pence OR sum(l.change * l.amount_pence) < 0`,
      [termId],
    );
    expect(overBilled).toEqual([]);
    const lines = await q(
      `SELECT d.document_id, d.line FROM document_lines d
         JOIN LATERAL (SELECT sum(amount_pence) AS net, sum(vat_pence) AS vat FROM billing_ledger l WHERE l.document_id = d.document_id AND l.line = d.line) s ON true
        WHERE d.term_id = $1 AND (s.net IS DISTINCT FROM d.amount_pence OR s.vat IS DISTINCT FROM d.vat_pence)`,
      [termId],
    );
    expect(lines).toEqual([]);
    const documents = await q(
      `SELECT d.id FROM documents d
        WHERE d.net_pence <> (SELECT sum(amount_pence) FROM document_lines WHERE document_id = d.id)
           OR d.vat_pence <> (SELECT sum(vat_pence) FROM document_lines WHERE document_id = d.id)`,
    );
    expect(documents).toEqual([]);
    const budgets = await q(
      `SELECT b.id FROM personal_budgets b
        WHERE b.committed_pence <> (SELECT coalesce(sum(committed_pence), 0) FROM registrations WHERE budget_id = b.id)`,
    );
    expect(budgets).toEqual([]);
  }

  /** Once every quarter has been run after the term and the term settled. */
  async function checkSettled(termId: string): Promise<void> {
    const wrong = await q(
      `SELECT r.id, r.billing, r.price_pence, r.committed_pence, x.billable, coalesce(l.billed, 0) AS billed
         FROM registrations r
        CROSS JOIN LATERAL (SELECT place_billable_pence(r.billing, r.programme_id, r.term_id, r.registered_on,
                                                        r.withdrawal_effective_on, r.price_pence)
                                   - place_cancellation_credit_pence(r.id, 'infinity') AS billable) x
         LEFT JOIN LATERAL (SELECT sum(change * amount_pence)::int AS billed FROM billing_ledger WHERE registration_id = r.id) l ON true
        WHERE r.term_id = $1 AND (coalesce(l.billed, 0) <> x.billable OR r.committed_pence <> x.billable)`,
      [termId],
    );
    expect(wrong).toEqual([]);
    // a direct payment's whole term: the covered sessions' shares, never more than its price
    const dp = await q(
      `SELECT r.id, r.price_pence, coalesce(sum(l.change * l.amount_pence), 0)::int AS billed,
              (SELECT count(*)::int FROM sessions s WHERE s.programme_id = r.programme_id AND s.term_id = r.term_id AND s.status = 'scheduled'
                  AND s.date >= r.registered_on AND (r.withdrawal_effective_on IS NULL OR s.date < r.withdrawal_effective_on)) AS covered,
              (SELECT count(*)::int FROM sessions s WHERE s.programme_id = r.programme_id AND s.term_id = r.term_id AND s.status = 'scheduled'
                  AND s.date >= r.registered_on) AS priced
         FROM registrations r LEFT JOIN billing_ledger l ON l.registration_id = r.id
        WHERE r.term_id = $1 AND r.billing = 'sessions' AND r.registered_on IS NOT NULL
        GROUP BY r.id`,
      [termId],
    );
    for (const r of dp) {
      if (r.priced > 0 && r.covered === r.priced) expect(r.billed).toBe(r.price_pence);
      if (r.priced > 0) {
        // the covered sessions at ⌊price ÷ sessions⌋ each, plus at most a penny each from the remainder
        const base = Math.floor(r.price_pence / r.priced);
        const remainder = r.price_pence % r.priced;
        expect(r.billed).toBeGreaterThanOrEqual(r.covered * base);
        expect(r.billed).toBeLessThanOrEqual(r.covered * base + Math.min(r.covered, remainder));
      } else expect(r.billed).toBe(0);
    }
  }

  const quarterOf = (date: string) => `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;

  /**
   * A day of the year `y`: one of 25 days a fortnight apart from 5 January (so registrations,
   * withdrawals, sessions, the census and runs often fall on the same day: the boundaries of the rules).
   */
  const dayOf = (y: number, offset: number) => addDays(`${y}-01-05`, Math.min(24, Math.floor(offset / 14)) * 14);

  const scenario = fc.record({
    price: fc.integer({ min: 1, max: 60000 }),
    vat: fc.constantFrom(0, 2000),
    lateJoiners: fc.constantFrom('pro_rata', 'pro_rata', 'not_billed'),
    capacity: fc.integer({ min: 1, max: 4 }),
    censusOffset: fc.integer({ min: 10, max: 120 }),
    sessions: fc.uniqueArray(fc.integer({ min: 0, max: 24 }).map((k) => k * 14), { minLength: 0, maxLength: 6 }),
    lateSessions: fc.array(fc.record({ day: fc.integer({ min: 0, max: 340 }), at: fc.integer({ min: 0, max: 340 }) }), { maxLength: 3 }),
    cancellations: fc.array(fc.record({ session: fc.nat(), at: fc.integer({ min: 0, max: 340 }) }), { maxLength: 2 }),
    places: fc.array(
      fc.record({
        direct: fc.boolean(),
        at: fc.integer({ min: 0, max: 340 }),
        withdraw: fc.option(fc.record({ after: fc.integer({ min: 0, max: 200 }), backdate: fc.integer({ min: 0, max: 60 }) }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    runs: fc.array(fc.record({ at: fc.integer({ min: 0, max: 345 }), quarter: fc.integer({ min: 1, max: 4 }) }), { maxLength: 5 }),
  });

  it('never bills more than a place costs, keeps ledger, documents and commitments in agreement, and bills exactly what the rules say once settled', async () => {
    const [commissioner] = await q(`INSERT INTO commissioners (name, code) VALUES ('Norfolk County Council', 'NORF') RETURNING id`);
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const y = year++;
        const [term] = await q(
          `INSERT INTO terms (name, starts_on, ends_on, census_date) VALUES ($1, $2, $3, $4) RETURNING id, starts_on::text, ends_on::text, census_date::text`,
          [`Year ${y}`, `${y}-01-05`, `${y}-12-15`, dayOf(y, s.censusOffset)],
        );
        const [programme] = await q(`INSERT INTO programmes (name, venue, min_age, max_age, capacity) VALUES ('Arts Pioneers', 'Museum', 11, 15, $1) RETURNING id`, [s.capacity]);
        const [contract] = await q(
          `INSERT INTO contracts (commissioner_id, reference, starts_on, ends_on, price_per_term_pence, vat_rate_basis_points, late_joiners, po_number)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'PO-P') RETURNING id`,
          [commissioner.id, `K-${y}`, `${y}-01-01`, `${y}-12-31`, s.price, s.vat, s.lateJoiners],
        );
        await q(`INSERT INTO contract_programmes VALUES ($1, $2)`, [contract.id, programme.id]);
        const sessionIds: string[] = [];
        for (const day of s.sessions) {
          const [session] = await q(
            `INSERT INTO sessions (programme_id, term_id, date, start_time, end_time, venue, capacity) VALUES ($1, $2, $3, '10:00', '15:00', 'Museum', 12) RETURNING id`,
            [programme.id, term.id, dayOf(y, day)],
          );
          sessionIds.push(session.id);
        }

        type Event = { at: number; order: number; act: () => Promise<void> };
        const events: Event[] = [];
        const registrationOf: Array<string | null> = [];
        s.places.forEach((p, i) => {
          events.push({
            at: p.at,
            order: 1,
            act: async () => {
              const [person] = await q(`INSERT INTO participants (first_name, last_name, date_of_birth, guardians) VALUES ('Young', 'Person', '2013-01-01', '[{"name":"A Carer","relationship":"mother"}]') RETURNING id`);
              const [budget] = await q(
                `INSERT INTO personal_budgets (participant_id, commissioner_id, type, reference, amount_pence, valid_from, valid_to, holder_name, holder_email)
                 VALUES ($1, $2, $3, $4, 10000000, $5, $6, $7, $8) RETURNING id`,
                [person.id, commissioner.id, p.direct ? 'direct_payment' : 'managed', `PB-${y}-${i}`, `${y}-01-01`, `${y}-12-31`,
                 p.direct ? 'Holder' : null, p.direct ? 'holder@example.org' : null],
              );
              const [placed] = await q(
                `SELECT registration FROM place_registration($1, $2, $3, $4, $5, $6, NULL, $6)`,
                [person.id, programme.id, term.id, budget.id, contract.id, dayOf(y, p.at)],
              );
              registrationOf[i] = placed.registration?.id ?? null;
            },
          });
          if (p.withdraw) {
            const at = Math.min(340, p.at + p.withdraw.after);
            events.push({
              at,
              order: 2,
              act: async () => {
                const id = registrationOf[i];
                if (!id) return;
                const effective = dayOf(y, Math.max(0, at - p.withdraw!.backdate));
                await q(`SELECT outcome FROM withdraw_registration($1, $2, 'moved', $3)`, [id, effective, dayOf(y, at)]);
              },
            });
          }
        });
        for (const late of s.lateSessions) {
          events.push({
            at: late.at,
            order: 0,
            act: async () => {
              await q(
                `INSERT INTO sessions (programme_id, term_id, date, start_time, end_time, venue, capacity, booked)
                 SELECT $1, $2, $3, '16:00', '17:00', 'Museum', 12,
                        coalesce((SELECT registered FROM programme_terms WHERE programme_id = $1 AND term_id = $2), 0)
                 ON CONFLICT DO NOTHING`,
                [programme.id, term.id, dayOf(y, late.day)],
              );
            },
          });
        }
        for (const c of s.cancellations) {
          events.push({
            at: c.at,
            order: 0,
            act: async () => {
              if (sessionIds.length === 0) return;
              await q(`UPDATE sessions SET status = 'cancelled' WHERE id = $1`, [sessionIds[c.session % sessionIds.length]]);
            },
          });
        }
        for (const r of s.runs) {
          events.push({
            at: r.at,
            order: 3,
            act: async () => {
              await run(`${y}-Q${r.quarter}`, dayOf(y, r.at));
              await checkAlways(term.id);
            },
          });
        }
        events.sort((a, b) => a.at - b.at || a.order - b.order);
        for (const e of events) await e.act();
        await checkAlways(term.id);

        // after the term: every quarter run, the term settled
        const after = `${y + 1}-01-10`;
        for (const quarter of [1, 2, 3, 4]) {
          await run(`${y}-Q${quarter}`, after);
          await checkAlways(term.id);
        }
        await inTransaction((sql) => CommitmentsRepository.settleEndedTerms(sql, after));
        await checkAlways(term.id);
        await checkSettled(term.id);
        // and a rerun of every quarter now finds nothing to bill
        const before = (await q(`SELECT count(*)::int AS n FROM documents`))[0].n;
        for (const quarter of [1, 2, 3, 4]) await run(`${y}-Q${quarter}`, after);
        expect((await q(`SELECT count(*)::int AS n FROM documents`))[0].n).toBe(before);
        void quarterOf;
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 60_000 + RUNS * 3_000);
});
