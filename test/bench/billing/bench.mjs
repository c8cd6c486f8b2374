// Billing benchmark (issue 4). Run: npm run bench:billing
//
// A quarter with REGISTRATIONS registrations across COMMISSIONERS councils and PROGRAMMES programmes
// (seeded with set-based SQL, a share of them direct payments), billed twice on identical databases:
//   1. through the real service: an `api` process takes POST /billing-runs, a separate `worker` process
//      executes the run from the Bull queue; wall time from the request until the run reads completed;
//   2. the baseline: hand-written set-based SQL issuing the same documents, lines and ledger entries in
//      one transaction straight through `pg` (no Nest, no TypeORM, no JavaScript arithmetic).
// It checks that both produced the same documents, then exports every line: through the API
// (POST /finance-exports, then GET its file streamed) and through the CLI, reporting rows/s and the peak
// RSS of the process that streams. Figures, not a timed test: it asserts only that the outputs match.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { todayInLondon } from '../../../dist/src/common/london-calendar.js';
import { BACKDATED_WITHDRAWAL_REASON, SESSIONS_CREDIT_REASON } from '../../../dist/src/billing/runs/billing-lines.js';
import { billableCensusRange } from '../../../dist/src/billing/quarter.js';
import { benchServer, call, fmt, freshDatabase, pgTransaction, startService } from '../support.mjs';
import { seedBillingQuarter } from './seed.mjs';

const REGISTRATIONS = Number(process.env.BENCH_REGISTRATIONS ?? 100_000);
const COMMISSIONERS = Number(process.env.BENCH_COMMISSIONERS ?? 50);
const PROGRAMMES = Number(process.env.BENCH_PROGRAMMES ?? 500);
const DIRECT_SHARE = Number(process.env.BENCH_DIRECT_SHARE ?? 0.2);
const LATE_SHARE = Number(process.env.BENCH_LATE_SHARE ?? 0.05);
const QUARTER = '2026-Q4';

const rssOf = (pid, field = 'VmRSS') => {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
};
const mb = (bytes) => fmt(bytes / 1024 / 1024, 0);

/** Samples a process's resident memory until stopped; returns the peak seen. */
function sampleRss(pid) {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    const now = rssOf(pid);
    if (now > peak) peak = now;
  }, 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssOf(pid) || 0);
  };
}

async function startWorker(env) {
  const child = spawn(process.execPath, ['dist/src/main.js', 'worker'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output = (output + c).slice(-20_000)));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Started (worker)')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the worker did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/**
 * The baseline: the whole run as set-based SQL in one transaction. Same rules as the service, written
 * directly in SQL: places billed per term whose billing date (the census, or a late joiner's day) falls in
 * the quarter (their price when billable: not withdrawn on or before max(registered_on, census)); direct
 * payments' sessions dated in the quarter (the price split over the sessions the place was priced for,
 * floor each, the pennies left to the earliest; 0 when not covered), plus already-billed sessions whose
 * amount changed; the ledger's cumulative state; payers (no PO for budget holders); per-entry VAT rounded
 * half up; lines by kind; numbering order.
 */
async function baselineRun(sql, runOn) {
  const range = billableCensusRange(QUARTER, runOn);
  await sql.query(`SELECT pg_advisory_xact_lock(74201, hashtext($1))`, [QUARTER]);
  await sql.query(
    `CREATE TEMP TABLE b_units ON COMMIT DROP AS
     WITH place_billed AS (
       SELECT l.registration_id, max(l.version) AS version, sum(l.change * l.amount_pence) AS net, sum(l.change * l.vat_pence) AS vat,
              (array_agg(l.document_id ORDER BY l.version DESC) FILTER (WHERE l.change = 1))[1] AS last_invoice
         FROM billing_ledger l WHERE l.unit = 'place' GROUP BY l.registration_id),
     session_billed AS (
       SELECT l.registration_id, l.session_id, min(l.session_date) AS session_date, max(l.version) AS version,
              sum(l.change * l.amount_pence) AS net, sum(l.change * l.vat_pence) AS vat,
              (array_agg(l.document_id ORDER BY l.version DESC) FILTER (WHERE l.change = 1))[1] AS last_invoice
         FROM billing_ledger l WHERE l.session_id IS NOT NULL GROUP BY l.registration_id, l.session_id),
     places AS (
       SELECT r.id AS registration_id, 'place'::text AS unit, NULL::uuid AS session_id, NULL::date AS session_date,
              CASE WHEN r.registered_on > t.census_date THEN 'late_joiner' ELSE 'census' END AS kind,
              CASE WHEN r.withdrawal_effective_on IS NULL OR r.withdrawal_effective_on > GREATEST(r.registered_on, t.census_date)
                   THEN r.price_pence ELSE 0 END AS should,
              pb.version, pb.net, pb.vat, pb.last_invoice
         FROM registrations r JOIN terms t ON t.id = r.term_id
         LEFT JOIN place_billed pb ON pb.registration_id = r.id
        WHERE r.billing = 'place' AND r.registered_on IS NOT NULL
          AND GREATEST(r.registered_on, t.census_date) BETWEEN $1 AND $2),
     dp AS (
       SELECT r.* FROM registrations r
        WHERE r.billing = 'sessions' AND r.registered_on IS NOT NULL
          AND (r.term_id IN (SELECT id FROM terms WHERE starts_on <= $2 AND ends_on >= $1)
               OR r.id IN (SELECT registration_id FROM session_billed))),
     priced AS (
       SELECT r.id AS registration_id, s.id AS session_id, s.date AS session_date, r.withdrawal_effective_on, r.price_pence,
              count(*) OVER w AS m, row_number() OVER (PARTITION BY r.id ORDER BY s.date, s.start_time, s.id) AS i
         FROM dp r JOIN sessions s ON s.programme_id = r.programme_id AND s.term_id = r.term_id
        WHERE s.status = 'scheduled' AND s.date >= r.registered_on
       WINDOW w AS (PARTITION BY r.id)),
     shares AS (
       SELECT registration_id, session_id, session_date,
              CASE WHEN withdrawal_effective_on IS NULL OR session_date < withdrawal_effective_on
                   THEN price_pence / m + CASE WHEN i <= price_pence % m THEN 1 ELSE 0 END ELSE 0 END AS should
         FROM priced),
     sessions_units AS (
       SELECT coalesce(s.registration_id, b.registration_id) AS registration_id, coalesce(s.session_id, b.session_id)::text AS unit,
              coalesce(s.session_id, b.session_id) AS session_id, coalesce(s.session_date, b.session_date) AS session_date,
              'sessions'::text AS kind, coalesce(s.should, 0) AS should, b.version, b.net, b.vat, b.last_invoice
         FROM shares s FULL JOIN session_billed b ON b.registration_id = s.registration_id AND b.session_id = s.session_id
        WHERE coalesce(s.session_date, b.session_date) BETWEEN $1 AND $2
           OR (b.registration_id IS NOT NULL AND coalesce(s.should, 0) <> b.net))
     SELECT u.*, r.programme_id, r.term_id, r.contract_id, r.po_number AS reg_po, b.reference, b.type, b.id AS budget_id,
            b.commissioner_id, b.holder_name, b.holder_email,
            NULLIF(array_to_string(ARRAY(SELECT jsonb_array_elements_text(b.holder_address -> 'lines')) || (b.holder_address ->> 'postcode'), E'\n'), '') AS holder_address,
            ci.council_id, t.starts_on, t.ends_on, t.census_date, t.name AS term_name, p.name AS programme_name,
            CASE WHEN k.vat_treatment = 'standard' THEN k.vat_rate_basis_points ELSE 0 END AS rate, k.vat_treatment,
            k.nominal_code, k.department_code, d.po_number AS billed_po
       FROM (SELECT * FROM places UNION ALL SELECT * FROM sessions_units) u
       JOIN registrations r ON r.id = u.registration_id
       JOIN personal_budgets b ON b.id = r.budget_id
       LEFT JOIN participant_council_ids ci ON ci.participant_id = r.participant_id AND ci.commissioner_id = b.commissioner_id
       JOIN terms t ON t.id = r.term_id
       JOIN programmes p ON p.id = r.programme_id
       JOIN contracts k ON k.id = r.contract_id
       LEFT JOIN documents d ON d.id = u.last_invoice
      WHERE u.should <> coalesce(u.net, 0)`,
    [range.from, range.to],
  );
  await sql.query(
    `CREATE TEMP TABLE b_changes ON COMMIT DROP AS
     SELECT x.*,
            CASE WHEN x.change = 1 THEN (x.amount::bigint * x.rate + 5000) / 10000
                 WHEN x.should = 0 THEN coalesce(x.vat, 0)
                 ELSE LEAST(coalesce(x.vat, 0), (x.amount::bigint * x.rate + 5000) / 10000) END AS vat_amount,
            CASE WHEN x.change = 1 THEN 'invoice' ELSE 'credit_note' END AS doc_kind,
            CASE WHEN x.type = 'managed' THEN 'commissioner' ELSE 'budget_holder' END AS recipient_type,
            CASE WHEN x.type <> 'managed' AND x.kind = 'sessions' THEN NULL WHEN x.change = 1 THEN x.reg_po ELSE coalesce(x.billed_po, x.reg_po) END AS po
       FROM (SELECT u.*, sign(u.should - coalesce(u.net, 0))::int AS change, abs(u.should - coalesce(u.net, 0))::int AS amount,
                    coalesce(u.version, 0) + 1 AS new_version FROM b_units u) x`,
  );
  await sql.query(`ALTER TABLE b_changes ADD COLUMN doc_key text, ADD COLUMN line_key text`);
  // temporary tables are never analysed automatically: without statistics the joins below plan badly
  await sql.query(`
    UPDATE b_changes SET
      doc_key = concat_ws('|', doc_kind, recipient_type, CASE WHEN recipient_type = 'commissioner' THEN commissioner_id ELSE budget_id END, coalesce(po, '')),
      line_key = concat_ws('|', programme_id, term_id, contract_id, kind, CASE WHEN kind <> 'sessions' THEN amount::text || '|' || vat_amount::text END)`);
  await sql.query(`ANALYZE b_changes`);
  await sql.query(`
    CREATE TEMP TABLE b_docs ON COMMIT DROP AS
    SELECT x.*, row_number() OVER (PARTITION BY x.kind ORDER BY x.recipient_type = 'budget_holder', x.name COLLATE "C",
                                   x.commissioner_id::text COLLATE "C", coalesce(x.budget_id::text, '') COLLATE "C", coalesce(x.po, '') COLLATE "C") AS ord
      FROM (
        SELECT ch.doc_key, min(ch.doc_kind) AS kind, min(ch.recipient_type) AS recipient_type, min(ch.commissioner_id::text)::uuid AS commissioner_id,
               CASE WHEN min(ch.recipient_type) = 'budget_holder' THEN min(ch.budget_id::text)::uuid END AS budget_id, min(ch.po) AS po,
               CASE WHEN min(ch.recipient_type) = 'commissioner' THEN min(c.name) ELSE min(ch.holder_name) END AS name,
               CASE WHEN min(ch.recipient_type) = 'commissioner' THEN min(c.invoice_email) ELSE min(ch.holder_email) END AS email,
               CASE WHEN min(ch.recipient_type) = 'commissioner' THEN min(c.address) ELSE min(ch.holder_address) END AS address,
               CASE WHEN min(ch.recipient_type) = 'commissioner' THEN min(c.code) ELSE 'DP-' || min(c.code) || '-' || min(ch.reference) END AS code,
               min(c.payment_terms_days) AS terms, sum(ch.amount)::bigint AS net, sum(ch.vat_amount)::bigint AS vat,
               CASE WHEN count(DISTINCT ch.last_invoice) FILTER (WHERE ch.change = -1) = 1 THEN min(ch.last_invoice::text) FILTER (WHERE ch.change = -1) END::uuid AS credited,
               bool_and(ch.kind = 'sessions') AS sessions_only
          FROM b_changes ch JOIN commissioners c ON c.id = ch.commissioner_id
         GROUP BY ch.doc_key) x`);
  await sql.query(`
    CREATE TEMP TABLE b_numbers ON COMMIT DROP AS
    WITH needed AS (SELECT CASE kind WHEN 'invoice' THEN 'INV' ELSE 'CN' END AS series, count(*) AS n FROM b_docs GROUP BY 1),
    moved AS (UPDATE document_counters c SET last_number = c.last_number + needed.n FROM needed WHERE c.series = needed.series
              RETURNING c.series, c.last_number, needed.n)
    SELECT * FROM moved`);
  await sql.query(`ALTER TABLE b_docs ADD COLUMN series text, ADD COLUMN seq int, ADD COLUMN number text`);
  await sql.query(`
    UPDATE b_docs d SET series = n.series, seq = n.last_number - n.n + d.ord,
                        number = n.series || '-' || lpad((n.last_number - n.n + d.ord)::text, 6, '0')
      FROM b_numbers n WHERE n.series = CASE d.kind WHEN 'invoice' THEN 'INV' ELSE 'CN' END`);
  await sql.query(
    `INSERT INTO documents (series, seq, number, kind, billing_run_id, recipient_type, commissioner_id, budget_id, recipient_name,
                            recipient_email, recipient_address, customer_code, issue_date, due_date, po_number, net_pence,
                            vat_pence, total_pence, credited_document_id, reason)
     SELECT d.series, d.seq, d.number, d.kind, NULL, d.recipient_type, d.commissioner_id, d.budget_id, d.name, d.email, d.address, d.code,
            $1::date, CASE WHEN d.kind = 'invoice' THEN $1::date + d.terms ELSE $1::date END, d.po, d.net, d.vat, d.net + d.vat,
            CASE WHEN d.kind = 'credit_note' THEN d.credited END,
            CASE WHEN d.kind = 'credit_note' THEN CASE WHEN d.sessions_only THEN $3 ELSE $2 END END
       FROM b_docs d ORDER BY d.series DESC, d.seq`,
    [runOn, BACKDATED_WITHDRAWAL_REASON, SESSIONS_CREDIT_REASON],
  );
  await sql.query(`
    CREATE TEMP TABLE b_doc_ids ON COMMIT DROP AS
    SELECT b.doc_key, d.id FROM b_docs b JOIN documents d ON d.number = b.number`);
  await sql.query(`ANALYZE b_doc_ids`);
  await sql.query(`
    CREATE TEMP TABLE b_lines ON COMMIT DROP AS
    SELECT g.*, row_number() OVER (PARTITION BY g.doc_key ORDER BY g.starts_on, g.term_id::text COLLATE "C", g.programme_name COLLATE "C",
                                   g.programme_id::text COLLATE "C", g.kind_order, g.unit_sort, g.contract_id::text COLLATE "C") AS line
      FROM (
        SELECT doc_key, line_key, min(doc_kind) AS doc_kind, kind, CASE kind WHEN 'census' THEN 0 WHEN 'late_joiner' THEN 1 ELSE 2 END AS kind_order,
               programme_id, term_id, contract_id, min(starts_on) AS starts_on, min(ends_on) AS ends_on, min(census_date) AS census_date,
               min(term_name) AS term_name, min(programme_name) AS programme_name, count(*)::int AS quantity,
               sum(amount)::bigint AS amount, sum(vat_amount)::bigint AS vat, min(amount) AS unit_amount, min(vat_amount) AS unit_vat,
               CASE WHEN kind <> 'sessions' THEN lpad(min(amount)::text, 12, '0') ELSE '' END AS unit_sort,
               min(session_date) AS first_session, max(session_date) AS last_session,
               min(vat_treatment) AS vat_treatment, min(rate) AS rate, min(nominal_code) AS nominal_code, min(department_code) AS department_code,
               array_agg(reference ORDER BY reference COLLATE "C", registration_id::text COLLATE "C", session_date, unit) AS refs,
               array_agg(council_id ORDER BY reference COLLATE "C", registration_id::text COLLATE "C", session_date, unit) AS councils
          FROM b_changes c GROUP BY doc_key, line_key, kind, programme_id, term_id, contract_id) g`);
  // a sessions line lists each place once
  await sql.query(`
    CREATE TEMP TABLE b_line_places ON COMMIT DROP AS
    SELECT doc_key, line_key, array_agg(reference ORDER BY reference COLLATE "C", registration_id::text COLLATE "C") AS place_refs,
           array_agg(council_id ORDER BY reference COLLATE "C", registration_id::text COLLATE "C") AS place_councils
      FROM (SELECT DISTINCT doc_key, line_key, reference, registration_id, council_id FROM b_changes WHERE kind = 'sessions') p
     GROUP BY doc_key, line_key`);
  await sql.query(`ANALYZE b_lines`);
  await sql.query(`ANALYZE b_line_places`);
  await sql.query(`
    INSERT INTO document_lines (document_id, line, description, programme_id, term_id, contract_id, period_start, period_end,
                                quantity, unit_pence, amount_pence, vat_unit_pence, vat_pence, budget_references, council_ids, kind,
                                vat_treatment, vat_rate_basis_points, nominal_code, department_code)
    SELECT i.id, l.line,
           CASE WHEN l.doc_kind = 'credit_note' THEN 'Credit: ' ELSE '' END || l.programme_name || ', ' || l.term_name || CASE
             WHEN l.kind = 'census' AND l.doc_kind = 'invoice' THEN ': participants registered at the census date ' || l.census_date
             WHEN l.kind = 'census' THEN ': no longer registered at the census date ' || l.census_date
             WHEN l.kind = 'late_joiner' AND l.doc_kind = 'invoice' THEN ': late joiners (places taken after the census date ' || l.census_date || '), priced by the sessions left'
             WHEN l.kind = 'late_joiner' THEN ': late joiners withdrawn on or before the day they took their place'
             WHEN l.doc_kind = 'invoice' THEN ': sessions covered by the place'
             ELSE ': sessions no longer covered, cancelled or re-priced' END,
           l.programme_id, l.term_id, l.contract_id,
           CASE WHEN l.kind = 'sessions' THEN l.first_session ELSE l.starts_on END,
           CASE WHEN l.kind = 'sessions' THEN l.last_session ELSE l.ends_on END,
           l.quantity,
           CASE WHEN l.kind = 'sessions' THEN l.amount / l.quantity ELSE l.unit_amount END, l.amount,
           CASE WHEN l.kind = 'sessions' THEN l.vat / l.quantity ELSE l.unit_vat END, l.vat,
           CASE WHEN l.kind = 'sessions' THEN lp.place_refs ELSE l.refs END,
           CASE WHEN l.kind = 'sessions' THEN lp.place_councils ELSE l.councils END,
           l.kind, l.vat_treatment, l.rate, l.nominal_code, l.department_code
      FROM b_lines l JOIN b_doc_ids i ON i.doc_key = l.doc_key
      LEFT JOIN b_line_places lp ON lp.doc_key = l.doc_key AND lp.line_key = l.line_key`);
  await sql.query(`
    INSERT INTO billing_ledger (registration_id, unit, version, change, programme_id, term_id, document_id, line, budget_reference,
                                council_id, session_id, session_date, amount_pence, vat_pence, reverses_document_id)
    SELECT c.registration_id, c.unit, c.new_version, c.change, c.programme_id, c.term_id, i.id, l.line, c.reference, c.council_id,
           c.session_id, c.session_date, c.amount, c.vat_amount, CASE WHEN c.change = -1 THEN c.last_invoice END
      FROM b_changes c JOIN b_doc_ids i ON i.doc_key = c.doc_key JOIN b_lines l ON l.doc_key = c.doc_key AND l.line_key = c.line_key`);
  const [counts] = await sql.query(`SELECT count(*)::int AS documents FROM b_doc_ids`);
  return counts.documents;
}

/** A digest of every document and line by content (ids differ between databases; names, numbers and amounts must not). */
async function digest(url) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const [row] = (
      await db.query(`
        SELECT count(*)::int AS documents, md5(string_agg(concat_ws('|', d.number, d.kind, d.recipient_type, d.recipient_name, d.recipient_email,
                 d.recipient_address, d.customer_code, d.issue_date, d.due_date, d.po_number, d.net_pence, d.vat_pence, d.total_pence,
                 d.reason, x.lines), E'\n' ORDER BY d.series, d.seq)) AS digest,
               (SELECT count(*)::int FROM billing_ledger) AS ledger,
               (SELECT md5(string_agg(concat_ws('|', d2.number, e.line, e.unit = 'place', e.session_date, e.version, e.change, e.budget_reference,
                                                e.amount_pence, e.vat_pence), ',' ORDER BY d2.number, e.line, e.budget_reference, e.session_date, e.amount_pence, e.vat_pence))
                  FROM billing_ledger e JOIN documents d2 ON d2.id = e.document_id) AS ledger_digest,
               (SELECT sum(quantity)::int FROM document_lines) AS units
          FROM documents d
          CROSS JOIN LATERAL (
            SELECT string_agg(concat_ws(';', l.line, l.kind, l.description, p.name, t.name, l.period_start, l.period_end, l.quantity, l.unit_pence,
                                        l.amount_pence, l.vat_unit_pence, l.vat_pence, array_to_string(l.budget_references, ','),
                                        l.vat_treatment, l.vat_rate_basis_points, l.nominal_code, l.department_code), '#' ORDER BY l.line) AS lines
              FROM document_lines l JOIN programmes p ON p.id = l.programme_id JOIN terms t ON t.id = l.term_id
             WHERE l.document_id = d.id) x`)
    ).rows;
    return row;
  } finally {
    await db.end();
  }
}

async function main() {
  const server = await benchServer();
  const runOn = todayInLondon();
  console.log(
    `Billing benchmark: ${REGISTRATIONS} registrations, ${COMMISSIONERS} commissioners, ${PROGRAMMES} programmes, ` +
      `${Math.round(DIRECT_SHARE * 100)} % direct payments (billed by the session), ${Math.round(LATE_SHARE * 100)} % late joiners; quarter ${QUARTER} billed on ${runOn}`,
  );
  const service = await freshDatabase(server.adminUrl, 'billing_svc');
  const baseline = await freshDatabase(server.adminUrl, 'billing_base');
  const stops = [service.drop, baseline.drop];
  try {
    let started = performance.now();
    const seed = { registrations: REGISTRATIONS, commissioners: COMMISSIONERS, programmes: PROGRAMMES, directShare: DIRECT_SHARE, lateShare: LATE_SHARE };
    await Promise.all([seedBillingQuarter(service.url, seed), seedBillingQuarter(baseline.url, seed)]);
    console.log(`  seeded both databases in ${fmt((performance.now() - started) / 1000)} s`);

    // 1. the service: API process + worker process, through Bull
    const env = {
      DATABASE_URL: service.url,
      REDIS_URL: server.redisUrl,
      BULL_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
      BILLING_SCHEDULE: 'off',
      OUTBOX_SWEEP_INTERVAL_MS: '1000',
    };
    const api = await startService('api', env);
    stops.unshift(api.stop);
    const worker = await startWorker(env);
    stops.unshift(worker.stop);
    started = performance.now();
    const posted = await call(api.baseUrl, service.adminToken, 'POST', '/api/v1/billing-runs', { quarter: QUARTER });
    if (posted.status !== 202) throw new Error(`POST /billing-runs: ${posted.status} ${JSON.stringify(posted.body)}`);
    let run;
    for (;;) {
      run = (await call(api.baseUrl, service.adminToken, 'GET', `/api/v1/billing-runs/${posted.body.id}`)).body;
      if (run.status === 'completed' || run.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const serviceMs = performance.now() - started;
    if (run.status !== 'completed') throw new Error(`the run failed: ${run.error}`);
    const serviceDocs = run.invoiceCount + run.creditNoteCount;

    // 2. the baseline: the same documents in hand-written set-based SQL through pg
    const pool = new pg.Pool({ connectionString: baseline.url, max: 1 });
    started = performance.now();
    const baselineDocs = await pgTransaction(pool, (sql) => baselineRun(sql, runOn));
    const baselineMs = performance.now() - started;
    await pool.end();

    const [a, b] = await Promise.all([digest(service.url), digest(baseline.url)]);
    const same = a.digest === b.digest && a.ledger === b.ledger && a.ledger_digest === b.ledger_digest;
    console.log('\nBilling run (one quarter, first run)');
    console.log('  variant                      wall ms   documents   documents/s   ledger rows');
    console.log(`  service (API + Bull worker) ${fmt(serviceMs, 0).padStart(8)} ${String(serviceDocs).padStart(11)} ${fmt((serviceDocs / serviceMs) * 1000, 0).padStart(13)} ${String(a.ledger).padStart(13)}`);
    console.log(`  baseline (set-based SQL)    ${fmt(baselineMs, 0).padStart(8)} ${String(baselineDocs).padStart(11)} ${fmt((baselineDocs / baselineMs) * 1000, 0).padStart(13)} ${String(b.ledger).padStart(13)}`);
    console.log(`  ratio service / baseline: ${fmt(serviceMs / baselineMs, 2)} × (aim ≤ 3 ×)`);
    console.log(`  same documents, lines and ledger in both: ${same ? 'yes' : `NO (${JSON.stringify(a)} vs ${JSON.stringify(b)})`}`);
    if (!same) process.exitCode = 1;

    // 3. the finance export of every line, streamed by the API process
    const idleRss = rssOf(api.pid);
    started = performance.now();
    const created = await call(api.baseUrl, service.adminToken, 'POST', '/api/v1/finance-exports');
    const createMs = performance.now() - started;
    const stopSampling = sampleRss(api.pid);
    started = performance.now();
    const res = await fetch(`${api.baseUrl}/api/v1/finance-exports/${created.body.id}/file`, {
      headers: { authorization: `Bearer ${service.adminToken}` },
    });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body) {
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    }
    const streamMs = performance.now() - started;
    const peakRss = stopSampling();
    const rows = lines - 1;

    // 4. the same export through the CLI, on the baseline's database
    const out = join(tmpdir(), `finance-export-bench-${randomBytes(3).toString('hex')}.csv`);
    started = performance.now();
    const cli = spawn(process.execPath, ['dist/src/finance-exports/finance-export-cli.js', '--out', out], {
      env: { ...process.env, DATABASE_URL: baseline.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const stopCli = sampleRss(cli.pid);
    let cliOut = '';
    cli.stdout.on('data', (c) => (cliOut += c));
    const [code] = await once(cli, 'exit');
    const cliMs = performance.now() - started;
    const cliPeak = stopCli();
    await rm(out, { force: true });
    if (code !== 0) throw new Error(`the CLI failed (${code})`);

    console.log('\nFinance export of every line (one row per line per budget reference)');
    console.log(`  POST /finance-exports: ${created.body.documentCount} documents, ${created.body.rowCount} rows, ${fmt(createMs, 0)} ms`);
    console.log(
      `  GET  /finance-exports/:id/file: ${rows} rows, ${mb(bytes)} MB in ${fmt(streamMs, 0)} ms = ${fmt((rows / streamMs) * 1000, 0)} rows/s; ` +
        `API process RSS ${mb(idleRss)} MB before, peak ${mb(peakRss)} MB while streaming (aim < 256 MB)`,
    );
    console.log(`  CLI (create + write the file): ${cliOut.trim()}`);
    console.log(`    ${fmt(cliMs, 0)} ms including start-up = ${fmt((rows / cliMs) * 1000, 0)} rows/s; CLI process peak RSS ${mb(cliPeak)} MB`);
  } finally {
    for (const stop of stops) await stop().catch((e) => console.error(e));
    await server.stop();
  }
}

await main();
