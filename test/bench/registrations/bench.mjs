// Registration benchmark (issue 3). Run: npm run bench:registrations
//
// Measures, in one run on this machine, through the real service (a separate `api` process) and,
// as the baseline, the very same SQL transaction issued directly through `pg` (no Nest, no TypeORM):
//   1. uncontended registrations per second: CLIENTS clients, each filling its own programme-terms;
//   2. contended latency: 50 clients on one 12-place programme-term, each registering then
//      withdrawing over and over (churn: every withdrawal promotes from the waitlist), p50/p99.
// A third path, the HTTP floor (bare-http.mjs: node:http + pg running the same statements, no Nest, no auth,
// driven by the same HTTP client), shows how much of the gap is HTTP itself on this machine rather than the
// service's stack. It prints the figures and the ratios. It asserts nothing: figures, not a timed test.
import pg from 'pg';
// The baseline goes through the registrations repository (the module that owns their SQL) and words
// refusals as the service does, with a pg shim as the connection: the very statements the service runs.
import { registerParticipant, termOfRegistration, withdrawRegistration } from '../../../dist/src/registrations/registration.repository.js';
import { registrationRefused } from '../../../dist/src/registrations/refusals.js';
import { withdrawalEffectiveOn } from '../../../dist/src/registrations/withdrawal.js';
import { resolve } from 'node:path';
import { benchServer, call, concurrently, fmt, freshDatabase, percentile, startBaseline, startService } from '../support.mjs';

const PROGRAMMES = Number(process.env.BENCH_PROGRAMMES ?? 60); // × 12 places = uncontended registrations
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const CONTENDED_CLIENTS = 50;
const CYCLES = Number(process.env.BENCH_CYCLES ?? 12); // register+withdraw cycles per contended client
const POOL = 10;

/** The same fixtures in each database: one commissioner and contract, two terms, programmes with three sessions, participants with budgets. */
async function seed(url) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const people = PROGRAMMES * 12 + CONTENDED_CLIENTS;
  await db.query(`
    WITH c AS (INSERT INTO commissioners (name, code) VALUES ('Cambridgeshire County Council', 'CAMBS') RETURNING id)
    INSERT INTO contracts (commissioner_id, reference, starts_on, ends_on, price_per_term_pence)
    SELECT id, 'CCC-SB-1', '2024-09-01', '2028-08-31', 45000 FROM c`);
  await db.query(`INSERT INTO terms (name, starts_on, ends_on, census_date) VALUES
    ('Autumn 2026', '2026-09-01', '2026-12-18', '2026-10-01'),
    ('Spring 2027', '2027-01-04', '2027-03-31', '2027-02-01')`);
  await db.query(
    `INSERT INTO programmes (name, venue, min_age, max_age, capacity)
     SELECT 'Programme ' || g, 'Fitzwilliam Museum', 11, 15, 12 FROM generate_series(1, $1) g`,
    [PROGRAMMES + 1],
  );
  await db.query(`INSERT INTO contract_programmes (contract_id, programme_id) SELECT c.id, p.id FROM contracts c, programmes p`);
  await db.query(`
    INSERT INTO sessions (programme_id, term_id, date, start_time, end_time, venue, capacity)
    SELECT p.id, t.id, d.date, '10:00', '15:00', p.venue, 12
      FROM programmes p CROSS JOIN terms t
      CROSS JOIN LATERAL (SELECT t.starts_on + 11 + 28 * k AS date FROM generate_series(0, 2) k) d`);
  await db.query(
    `INSERT INTO participants (first_name, last_name, date_of_birth, guardians)
     SELECT 'Young', 'Person ' || g, DATE '2013-05-14', '[{"name":"A Carer","relationship":"mother"}]' FROM generate_series(1, $1) g`,
    [people],
  );
  await db.query(`
    INSERT INTO personal_budgets (participant_id, commissioner_id, type, reference, amount_pence, valid_from, valid_to)
    SELECT p.id, c.id, 'managed', 'PB-' || row_number() OVER (ORDER BY p.id), 900000, '2026-04-01', '2027-08-31'
      FROM participants p CROSS JOIN commissioners c`);
  const { rows: programmes } = await db.query(`SELECT id FROM programmes ORDER BY id`);
  const { rows: pb } = await db.query(`SELECT participant_id, id AS budget_id FROM personal_budgets ORDER BY participant_id`);
  const { rows: terms } = await db.query(`SELECT id FROM terms ORDER BY starts_on`);
  await db.end();
  return {
    programmes: programmes.map((p) => p.id),
    people: pb.map((r) => ({ participantId: r.participant_id, budgetId: r.budget_id })),
    autumn: terms[0].id,
    spring: terms[1].id,
  };
}

/** Registering and withdrawing through the HTTP API of the service. */
function viaApi(service, token) {
  return {
    async register(r) {
      const res = await call(service.baseUrl, token, 'POST', '/api/v1/registrations', r);
      if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id;
    },
    async withdraw(id) {
      const res = await call(service.baseUrl, token, 'POST', `/api/v1/registrations/${id}/withdraw`, { reason: 'bench' });
      if (res.status !== 200) throw new Error(`withdraw: ${res.status} ${JSON.stringify(res.body)}`);
    },
  };
}

/** The baseline: the same statement (register_participant), straight through pg. */
function viaPg(pool) {
  const sql = { query: (text, params) => pool.query(text, params).then((r) => r.rows) };
  return {
    async register(r) {
      const outcome = await registerParticipant(sql, r, '00000000-0000-0000-0000-000000000000');
      if (!outcome.placed) throw registrationRefused(outcome.refusal, r, outcome.facts);
      return outcome.registration.id;
    },
    async withdraw(id) {
      const term = await termOfRegistration(sql, id);
      const outcome = await withdrawRegistration(sql, { id, reason: 'bench', effectiveOn: withdrawalEffectiveOn(null, term) });
      if (outcome.outcome !== 'withdrawn') throw new Error(`withdraw: ${outcome.outcome}`);
    },
  };
}

async function uncontended(client, fx) {
  let nextProgramme = 0;
  const latencies = [];
  const ms = await concurrently(CLIENTS, async () => {
    while (nextProgramme < PROGRAMMES) {
      const p = nextProgramme++;
      for (let k = 0; k < 12; k++) {
        const person = fx.people[p * 12 + k];
        const started = performance.now();
        await client.register({ ...person, programmeId: fx.programmes[p], termId: fx.autumn });
        latencies.push(performance.now() - started);
      }
    }
  });
  return { perSecond: (PROGRAMMES * 12 * 1000) / ms, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function contended(client, fx) {
  const programmeId = fx.programmes[PROGRAMMES];
  const registerLatencies = [];
  const withdrawLatencies = [];
  const ms = await concurrently(CONTENDED_CLIENTS, async (i) => {
    const person = fx.people[PROGRAMMES * 12 + i];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      let started = performance.now();
      const id = await client.register({ ...person, programmeId, termId: fx.spring });
      registerLatencies.push(performance.now() - started);
      started = performance.now();
      await client.withdraw(id, programmeId, fx.spring);
      withdrawLatencies.push(performance.now() - started);
    }
  });
  return {
    perSecond: (CONTENDED_CLIENTS * CYCLES * 1000) / ms,
    p50: percentile(registerLatencies, 50),
    p99: percentile(registerLatencies, 99),
    withdrawP50: percentile(withdrawLatencies, 50),
    withdrawP99: percentile(withdrawLatencies, 99),
  };
}

async function main() {
  const server = await benchServer();
  const apiDb = await freshDatabase(server.adminUrl, 'reg_api');
  const sqlDb = await freshDatabase(server.adminUrl, 'reg_sql');
  const floorDb = await freshDatabase(server.adminUrl, 'reg_http');
  const [apiFx, sqlFx, floorFx] = await Promise.all([seed(apiDb.url), seed(sqlDb.url), seed(floorDb.url)]);
  const service = await startService('api', {
    DATABASE_URL: apiDb.url,
    REDIS_URL: server.redisUrl,
    BOOTSTRAP_ADMIN_TOKEN: apiDb.adminToken,
    DATABASE_POOL_SIZE: String(POOL),
    BULL_PREFIX: `bench-${process.pid}`,
  }, (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean));
  const pool = new pg.Pool({ connectionString: sqlDb.url, max: POOL });
  const bare = await startBaseline(resolve(import.meta.dirname, 'bare-http.mjs'), [floorDb.url]);
  try {
    const api = viaApi(service, apiDb.adminToken);
    const base = viaPg(pool);
    const floor = viaApi(bare, 'none');
    // warm up both paths (JIT, connection pools, plan caches) on the last programme-term used only here
    for (const [client, fx] of [[api, apiFx], [base, sqlFx], [floor, floorFx]]) {
      const person = fx.people[fx.people.length - 1];
      for (let i = 0; i < 30; i++) {
        const id = await client.register({ ...person, programmeId: fx.programmes[0], termId: fx.spring });
        await client.withdraw(id, fx.programmes[0], fx.spring);
      }
    }

    const u = { api: await uncontended(api, apiFx), base: await uncontended(base, sqlFx), floor: await uncontended(floor, floorFx) };
    const c = { api: await contended(api, apiFx), base: await contended(base, sqlFx), floor: await contended(floor, floorFx) };

    console.log(`\nRegistrations benchmark (${new Date().toISOString()}; node ${process.version}; PostgreSQL pool ${POOL})`);
    console.log(`\n1. Uncontended: ${PROGRAMMES * 12} registrations, ${CLIENTS} clients, each on its own programme-terms`);
    console.log(`   service (HTTP → Nest → TypeORM): ${fmt(u.api.perSecond)} registrations/s  (p50 ${fmt(u.api.p50)} ms, p99 ${fmt(u.api.p99)} ms)`);
    console.log(`   baseline (same SQL through pg):  ${fmt(u.base.perSecond)} registrations/s  (p50 ${fmt(u.base.p50)} ms, p99 ${fmt(u.base.p99)} ms)`);
    console.log(`   HTTP floor (node:http + pg, same SQL): ${fmt(u.floor.perSecond)} registrations/s  (p50 ${fmt(u.floor.p50)} ms, p99 ${fmt(u.floor.p99)} ms)`);
    console.log(`   ratio service/baseline: ${fmt(u.api.perSecond / u.base.perSecond, 2)}   (aim ≥ 0.70); HTTP floor/baseline ${fmt(u.floor.perSecond / u.base.perSecond, 2)}; service/HTTP floor ${fmt(u.api.perSecond / u.floor.perSecond, 2)}`);
    console.log(`\n2. Contended: ${CONTENDED_CLIENTS} clients on one 12-place programme-term, ${CYCLES} register+withdraw cycles each (churn)`);
    console.log(`   service  registration p50 ${fmt(c.api.p50)} ms, p99 ${fmt(c.api.p99)} ms; withdrawal p50 ${fmt(c.api.withdrawP50)} ms, p99 ${fmt(c.api.withdrawP99)} ms; ${fmt(c.api.perSecond)} cycles/s`);
    console.log(`   baseline registration p50 ${fmt(c.base.p50)} ms, p99 ${fmt(c.base.p99)} ms; withdrawal p50 ${fmt(c.base.withdrawP50)} ms, p99 ${fmt(c.base.withdrawP99)} ms; ${fmt(c.base.perSecond)} cycles/s`);
    console.log(`   HTTP floor registration p50 ${fmt(c.floor.p50)} ms, p99 ${fmt(c.floor.p99)} ms; withdrawal p50 ${fmt(c.floor.withdrawP50)} ms, p99 ${fmt(c.floor.withdrawP99)} ms; ${fmt(c.floor.perSecond)} cycles/s`);
    console.log(`   ratio p99 service/baseline: ${fmt(c.api.p99 / c.base.p99, 2)}; throughput ratio ${fmt(c.api.perSecond / c.base.perSecond, 2)}   (aim: p99 ratio ≤ 1.5); p99 HTTP floor/baseline ${fmt(c.floor.p99 / c.base.p99, 2)}`);
    console.log(JSON.stringify({ uncontended: u, contended: c }));
  } finally {
    await pool.end();
    await bare.stop();
    await service.stop();
    await apiDb.drop();
    await sqlDb.drop();
    await floorDb.drop();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
