// A billing quarter seeded with set-based SQL: the Autumn 2026 term (census 2026-10-01, billed in 2026-Q4),
// COMMISSIONERS councils each with one contract (PO number; VAT on every other one), PROGRAMMES programmes
// shared out between them, each with four sessions across the term (12 Sep, 10 Oct, 14 Nov, 12 Dec), and
// REGISTRATIONS participants each with a personal budget (a share of them direct payments, billed by the
// session) registered on one programme before the census — a share of them late joiners, who took their
// place on 20 October (priced by place_price: 2 of 4 sessions left). Deterministic: the same arguments
// give the same codes, references and names, so two databases seeded alike bill alike.
//
// Used by the billing benchmark and the worker-kill fault drill; also a command:
//   node test/bench/billing/seed.mjs --url postgres://... [--registrations 100000] [--commissioners 50] [--programmes 500] [--direct-share 0.2] [--late-share 0.05]
import { parseArgs } from 'node:util';
import pg from 'pg';

export const SEED_DEFAULTS = { registrations: 100_000, commissioners: 50, programmes: 500, directShare: 0.2, lateShare: 0.05 };

export async function seedBillingQuarter(url, options = {}) {
  const { registrations, commissioners, programmes, directShare, lateShare } = { ...SEED_DEFAULTS, ...options };
  const everyDirect = directShare > 0 ? Math.max(1, Math.round(1 / directShare)) : 0;
  // one late joiner in every `everyLate` registrations (n mod everyLate = 3; with 20 % direct payments, none of them is one)
  const everyLate = lateShare > 0 ? Math.max(1, Math.round(1 / lateShare)) : 0;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query(`INSERT INTO terms (name, starts_on, ends_on, census_date) VALUES ('Autumn 2026', '2026-09-01', '2026-12-18', '2026-10-01')`);
    await db.query(
      `INSERT INTO commissioners (name, code, invoice_email, address, payment_terms_days)
       SELECT 'County Council ' || lpad(g::text, 3, '0'), 'CC' || lpad(g::text, 3, '0'), 'ap' || g || '@council.example',
              'County Hall ' || g || ', Shire Road', 30
         FROM generate_series(1, $1) g`,
      [commissioners],
    );
    await db.query(
      `INSERT INTO contracts (commissioner_id, reference, starts_on, ends_on, price_per_term_pence, po_number, vat_rate_basis_points)
       SELECT c.id, 'SB-' || c.code, '2024-09-01', '2028-08-31', 45000 + (row_number() OVER (ORDER BY c.code))::int,
              'PO-' || c.code, CASE WHEN row_number() OVER (ORDER BY c.code) % 2 = 0 THEN 2000 ELSE 0 END
         FROM commissioners c`,
    );
    await db.query(
      `INSERT INTO programmes (name, venue, min_age, max_age, capacity)
       SELECT 'Programme ' || lpad(g::text, 4, '0'), 'Museum ' || g, 11, 15, 12 FROM generate_series(1, $1) g`,
      [programmes],
    );
    // programme n belongs to commissioner n mod C (by code order)
    await db.query(`
      CREATE TEMP TABLE seed_programmes AS
      SELECT p.id AS programme_id, (row_number() OVER (ORDER BY p.name) - 1) AS n FROM programmes p`);
    await db.query(`
      CREATE TEMP TABLE seed_contracts AS
      SELECT k.id AS contract_id, k.commissioner_id, k.price_per_term_pence, (row_number() OVER (ORDER BY c.code) - 1) AS n
        FROM contracts k JOIN commissioners c ON c.id = k.commissioner_id`);
    await db.query(`
      INSERT INTO contract_programmes (contract_id, programme_id)
      SELECT k.contract_id, p.programme_id FROM seed_programmes p JOIN seed_contracts k ON k.n = p.n % (SELECT count(*) FROM seed_contracts)`);
    await db.query(
      `INSERT INTO participants (first_name, last_name, date_of_birth, guardians)
       SELECT 'Young', 'Person ' || g, DATE '2013-05-14', '[{"name":"A Carer","relationship":"mother"}]'
         FROM generate_series(1, $1) g`,
      [registrations],
    );
    await db.query(`CREATE TEMP TABLE seed_people AS SELECT id AS participant_id, (row_number() OVER (ORDER BY last_name COLLATE "C", id) - 1) AS n FROM participants`);
    await db.query(
      `CREATE TEMP TABLE seed_places AS
       SELECT s.participant_id, s.n, p.programme_id, k.contract_id, k.commissioner_id, k.price_per_term_pence,
              ($2 > 0 AND s.n % $2 = 0) AS direct, ($3 > 0 AND s.n % $3 = 3) AS late
         FROM seed_people s
         JOIN seed_programmes p ON p.n = s.n % $1
         JOIN seed_contracts k ON k.n = p.n % (SELECT count(*) FROM seed_contracts)`,
      [programmes, everyDirect, everyLate],
    );
    await db.query(`
      INSERT INTO personal_budgets (participant_id, commissioner_id, type, reference, amount_pence, committed_pence, valid_from, valid_to,
                                    holder_name, holder_email)
      SELECT participant_id, commissioner_id, CASE WHEN direct THEN 'direct_payment' ELSE 'managed' END,
             'PB-' || lpad(n::text, 7, '0'), 200000, price_per_term_pence, '2026-04-01', '2027-03-31',
             CASE WHEN direct THEN 'Holder ' || lpad(n::text, 7, '0') END,
             CASE WHEN direct THEN 'holder' || n || '@family.example' END
        FROM seed_places`);
    await db.query(`
      INSERT INTO programme_terms (programme_id, term_id, places, registered)
      SELECT p.programme_id, t.id, greatest(count(s.*), 1), count(s.*)
        FROM seed_programmes p CROSS JOIN terms t LEFT JOIN seed_places s ON s.programme_id = p.programme_id
       GROUP BY p.programme_id, t.id`);
    await db.query(`
      INSERT INTO sessions (programme_id, term_id, date, start_time, end_time, venue, capacity, booked)
      SELECT pt.programme_id, pt.term_id, d.date, '10:00', '15:00', 'Museum', pt.places, pt.registered
        FROM programme_terms pt
        CROSS JOIN (VALUES (DATE '2026-09-12'), (DATE '2026-10-10'), (DATE '2026-11-14'), (DATE '2026-12-12')) AS d(date)`);
    // each place priced by the service's own rule (a late joiner pro rata), its PO fixed with it
    await db.query(`
      INSERT INTO registrations (participant_id, programme_id, term_id, budget_id, contract_id, status, price_pence, po_number,
                                 billing, registered_on, committed_pence)
      SELECT x.participant_id, x.programme_id, x.term_id, x.budget_id, x.contract_id, 'registered', x.price, x.po_number,
             CASE WHEN x.direct THEN 'sessions' ELSE 'place' END, x.registered_on, x.price
        FROM (SELECT s.*, t.id AS term_id, b.id AS budget_id, k.po_number,
                     CASE WHEN s.late THEN DATE '2026-10-20' ELSE DATE '2026-09-15' END AS registered_on,
                     place_price(s.contract_id, s.programme_id, t.id, CASE WHEN s.late THEN DATE '2026-10-20' ELSE DATE '2026-09-15' END) AS price
                FROM seed_places s JOIN personal_budgets b ON b.participant_id = s.participant_id
                JOIN contracts k ON k.id = s.contract_id CROSS JOIN terms t) x
       ORDER BY x.n`);
    await db.query(`
      UPDATE personal_budgets b SET committed_pence = r.price_pence FROM registrations r WHERE r.budget_id = b.id`);
    await db.query('COMMIT');
    await db.query('ANALYZE');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await db.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      registrations: { type: 'string' },
      commissioners: { type: 'string' },
      programmes: { type: 'string' },
      'direct-share': { type: 'string' },
      'late-share': { type: 'string' },
    },
  });
  if (!values.url) {
    process.stderr.write('--url postgres://... is required\n');
    process.exit(2);
  }
  const started = Date.now();
  await seedBillingQuarter(values.url, {
    ...(values.registrations ? { registrations: Number(values.registrations) } : {}),
    ...(values.commissioners ? { commissioners: Number(values.commissioners) } : {}),
    ...(values.programmes ? { programmes: Number(values.programmes) } : {}),
    ...(values['direct-share'] ? { directShare: Number(values['direct-share']) } : {}),
    ...(values['late-share'] ? { lateShare: Number(values['late-share']) } : {}),
  });
  process.stdout.write(`Seeded in ${Date.now() - started} ms\n`);
}
