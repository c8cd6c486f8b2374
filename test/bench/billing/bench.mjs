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
import { BACKDATED_WITHDRAWAL_REASON } from '../../../dist/src/billing/billing-lines.js';
import { billableCensusRange } from '../../../dist/src/billing/quarter.js';
import { benchServer, call, fmt, freshDatabase, pgTransaction, startService } from '../support.mjs';
import { seedBillingQuarter } from './seed.mjs';

const REGISTRATIONS = Number(process.env.BENCH_REGISTRATIONS ?? 100_000);
const COMMISSIONERS = Number(process.env.BENCH_COMMISSIONERS ?? 50);
const PROGRAMMES = Number(process.env.BENCH_PROGRAMMES ?? 500);
const DIRECT_SHARE = Number(process.env.BENCH_DIRECT_SHARE ?? 0.05);
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
 * The baseline: the whole run as set-based SQL in one transaction. Same rules as the service (the census
 * rule, the ledger's latest version, payers, per-unit VAT rounded half up, numbering order) written
 * directly in SQL.
 */
async function baselineRun(sql, runOn) {
  const range = billableCensusRange(QUARTER, runOn);
  await sql.query(`SELECT pg_advisory_xact_lock(74201, hashtext($1))`, [QUARTER]);
  await sql.query(
    `CREATE TEMP TABLE b_changes ON COMMIT DROP AS
     WITH q_terms AS (SELECT * FROM terms WHERE census_date BETWEEN $1 AND $2),
     latest AS (
       SELECT DISTINCT ON (l.registration_id) l.registration_id, l.version, l.change, l.document_id, l.amount_pence, l.vat_pence
         FROM billing_ledger l JOIN q_terms t ON t.id = l.term_id
        ORDER BY l.registration_id, l.version DESC),
     facts AS (
       SELECT r.id AS registration_id, r.programme_id, r.term_id, r.contract_id, b.reference, b.type, b.id AS budget_id,
              b.commissioner_id, b.holder_name, b.holder_email, t.starts_on, t.ends_on, t.census_date, t.name AS term_name,
              p.name AS programme_name, k.price_per_term_pence, k.vat_rate_basis_points, k.po_number,
              l.version, l.change AS billed_change, l.document_id AS billed_document, l.amount_pence AS billed_unit,
              l.vat_pence AS billed_vat, d.po_number AS billed_po,
              (r.registered_on <= t.census_date AND (r.withdrawal_effective_on IS NULL OR r.withdrawal_effective_on > t.census_date)) AS counted
         FROM registrations r
         JOIN q_terms t ON t.id = r.term_id
         JOIN personal_budgets b ON b.id = r.budget_id
         JOIN contracts k ON k.id = r.contract_id
         JOIN programmes p ON p.id = r.programme_id
         LEFT JOIN latest l ON l.registration_id = r.id
         LEFT JOIN documents d ON d.id = l.document_id
        WHERE r.registered_on IS NOT NULL)
     SELECT f.*, c.change, coalesce(f.version, 0) + 1 AS new_version,
            CASE WHEN c.change = 1 THEN f.price_per_term_pence ELSE f.billed_unit END AS unit,
            CASE WHEN c.change = 1 THEN ((f.price_per_term_pence::bigint * f.vat_rate_basis_points + 5000) / 10000)::int ELSE f.billed_vat END AS vat_unit,
            CASE WHEN c.change = 1 THEN f.po_number ELSE f.billed_po END AS po,
            CASE WHEN c.change = 1 THEN NULL ELSE f.billed_document END AS reverses,
            CASE WHEN c.change = 1 THEN 'invoice' ELSE 'credit_note' END AS kind,
            CASE WHEN f.type = 'managed' THEN 'commissioner' ELSE 'budget_holder' END AS recipient_type
       FROM facts f
      CROSS JOIN LATERAL (SELECT CASE WHEN f.counted AND f.billed_change IS DISTINCT FROM 1 THEN 1
                                      WHEN NOT f.counted AND f.billed_change = 1 THEN -1 END AS change) c
      WHERE c.change IS NOT NULL`,
    [range.from, range.to],
  );
  await sql.query(`ALTER TABLE b_changes ADD COLUMN doc_key text, ADD COLUMN line_key text`);
  await sql.query(`
    UPDATE b_changes SET
      doc_key = concat_ws('|', kind, recipient_type, CASE WHEN recipient_type = 'commissioner' THEN commissioner_id ELSE budget_id END, coalesce(po, '')),
      line_key = concat_ws('|', programme_id, term_id, contract_id, unit, vat_unit)`);
  await sql.query(`
    CREATE TEMP TABLE b_docs ON COMMIT DROP AS
    SELECT x.*, row_number() OVER (PARTITION BY x.kind ORDER BY x.recipient_type = 'budget_holder', x.name COLLATE "C",
                                   x.commissioner_id::text COLLATE "C", coalesce(x.budget_id::text, '') COLLATE "C", coalesce(x.po, '') COLLATE "C") AS ord
      FROM (
        SELECT ch.doc_key, min(ch.kind) AS kind, min(ch.recipient_type) AS recipient_type, min(ch.commissioner_id::text)::uuid AS commissioner_id,
               CASE WHEN min(ch.recipient_type) = 'budget_holder' THEN min(ch.budget_id::text)::uuid END AS budget_id, min(ch.po) AS po,
               CASE WHEN min(ch.recipient_type) = 'commissioner' THEN min(c.name) ELSE min(ch.holder_name) END AS name,
               CASE WHEN min(ch.recipient_type) = 'commissioner' THEN min(c.invoice_email) ELSE min(ch.holder_email) END AS email,
               CASE WHEN min(ch.recipient_type) = 'commissioner' THEN min(c.address) END AS address,
               CASE WHEN min(ch.recipient_type) = 'commissioner' THEN min(c.code) ELSE 'DP-' || min(c.code) || '-' || min(ch.reference) END AS code,
               min(c.payment_terms_days) AS terms, sum(ch.unit)::bigint AS net, sum(ch.vat_unit)::bigint AS vat,
               CASE WHEN count(DISTINCT ch.reverses) = 1 THEN min(ch.reverses::text)::uuid END AS credited
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
            CASE WHEN d.kind = 'credit_note' THEN d.credited END, CASE WHEN d.kind = 'credit_note' THEN $2 END
       FROM b_docs d ORDER BY d.series DESC, d.seq`,
    [runOn, BACKDATED_WITHDRAWAL_REASON],
  );
  await sql.query(`
    CREATE TEMP TABLE b_doc_ids ON COMMIT DROP AS
    SELECT b.doc_key, d.id FROM b_docs b JOIN documents d ON d.number = b.number`);
  await sql.query(`
    CREATE TEMP TABLE b_lines ON COMMIT DROP AS
    SELECT g.*, row_number() OVER (PARTITION BY g.doc_key ORDER BY g.starts_on, g.term_id::text COLLATE "C", g.programme_name COLLATE "C",
                                   g.programme_id::text COLLATE "C", g.unit) AS line
      FROM (
        SELECT doc_key, line_key, min(kind) AS kind, programme_id, term_id, contract_id, unit, vat_unit, min(starts_on) AS starts_on,
               min(ends_on) AS ends_on, min(census_date) AS census_date, min(term_name) AS term_name, min(programme_name) AS programme_name,
               count(*)::int AS quantity, array_agg(reference ORDER BY reference COLLATE "C", registration_id::text COLLATE "C") AS refs
          FROM b_changes GROUP BY doc_key, line_key, programme_id, term_id, contract_id, unit, vat_unit) g`);
  await sql.query(`
    INSERT INTO document_lines (document_id, line, description, programme_id, term_id, contract_id, period_start, period_end,
                                quantity, unit_pence, amount_pence, vat_unit_pence, vat_pence, budget_references)
    SELECT i.id, l.line,
           CASE WHEN l.kind = 'invoice'
                THEN l.programme_name || ', ' || l.term_name || ': participants registered at the census date ' || l.census_date
                ELSE 'Credit: ' || l.programme_name || ', ' || l.term_name || ': no longer registered at the census date ' || l.census_date END,
           l.programme_id, l.term_id, l.contract_id, l.starts_on, l.ends_on, l.quantity, l.unit, l.quantity::bigint * l.unit,
           l.vat_unit, l.quantity::bigint * l.vat_unit, l.refs
      FROM b_lines l JOIN b_doc_ids i ON i.doc_key = l.doc_key`);
  await sql.query(`
    INSERT INTO billing_ledger (registration_id, version, change, programme_id, term_id, document_id, line, budget_reference,
                                amount_pence, vat_pence, reverses_document_id)
    SELECT c.registration_id, c.new_version, c.change, c.programme_id, c.term_id, i.id, l.line, c.reference, c.unit, c.vat_unit, c.reverses
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
               (SELECT sum(quantity)::int FROM document_lines) AS units
          FROM documents d
          CROSS JOIN LATERAL (
            SELECT string_agg(concat_ws(';', l.line, l.description, p.name, t.name, l.period_start, l.period_end, l.quantity, l.unit_pence,
                                        l.amount_pence, l.vat_unit_pence, l.vat_pence, array_to_string(l.budget_references, ',')), '#' ORDER BY l.line) AS lines
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
      `${Math.round(DIRECT_SHARE * 100)} % direct payments; quarter ${QUARTER} billed on ${runOn}`,
  );
  const service = await freshDatabase(server.adminUrl, 'billing_svc');
  const baseline = await freshDatabase(server.adminUrl, 'billing_base');
  const stops = [service.drop, baseline.drop];
  try {
    let started = performance.now();
    const seed = { registrations: REGISTRATIONS, commissioners: COMMISSIONERS, programmes: PROGRAMMES, directShare: DIRECT_SHARE };
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
    const same = a.digest === b.digest && a.ledger === b.ledger;
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
