// Soak test: the built service (npm start's "all" role: API and worker in one process) on a scratch
// database, fixtures made through the API, then SOAK_CLIENTS clients mixing reads and writes for
// SOAK_SECONDS. It reports the count of 5xx answers (must be 0), p50/p99 latency, throughput, and the
// service's RSS sampled every SOAK_SAMPLE_SECONDS (it must level off). Exit status 1 on any 5xx or
// network error. Not part of `npm test`:
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run soak               # 60 s
//   SOAK_SECONDS=300 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run soak
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { benchServer, fmt, freshDatabase, percentile, startService } from '../bench/support.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 200);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 5);
const PROGRAMMES = Number(process.env.SOAK_PROGRAMMES ?? 20);
const PARTICIPANTS_PER_CLIENT = 2;

const rssMb = (pid) => {
  try {
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024);
  } catch {
    return NaN;
  }
};
const isoDate = (d) => d.toISOString().slice(0, 10);
const addDays = (date, days) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const server = await benchServer();
const database = await freshDatabase(server.adminUrl, 'soak');
const service = await startService('all', {
  DATABASE_URL: database.url,
  BOOTSTRAP_ADMIN_TOKEN: database.adminToken,
  REDIS_URL: server.redisUrl,
  BULL_PREFIX: `soak-${randomUUID().slice(0, 8)}`,
  BILLING_SCHEDULE: 'off',
  INTEGRATION_RATE_LIMIT_PER_MINUTE: '1000000',
});
const agent = new Agent({ connections: CLIENTS + 10, keepAliveTimeout: 60_000, pipelining: 1 });

/** One request; returns { status, body, headers }. */
async function call(token, method, path, body, headers = {}) {
  const res = await request(`${service.baseUrl}${path}`, {
    method,
    dispatcher: agent,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function create(token, path, body) {
  const res = await call(token, 'POST', `/api/v1${path}`, body);
  if (res.status !== 201) throw new Error(`fixture POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Runs `work(i)` for i in [0, n) with at most `width` at a time. */
async function inBatches(n, width, work) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await work(i);
    }
  }));
  return out;
}

let exitCode = 0;
try {
  // ---- fixtures, through the API ----
  const fixturesStarted = performance.now();
  const admin = database.adminToken;
  const coordinator = (await create(admin, '/users', { name: 'Soak coordinator', email: `soak-${randomUUID()}@museum.example`, role: 'coordinator' })).token;
  const apiKey = (await create(admin, '/integrations', { name: 'Soak session app', scopes: ['case-notes:write', 'participants:read'] })).apiKey;
  const today = isoDate(new Date());
  const termStart = `${addDays(today, 62).slice(0, 8)}01`;
  const term = await create(coordinator, '/terms', { name: 'Soak term', startsOn: termStart, endsOn: addDays(termStart, 100), censusDate: addDays(termStart, 30) });
  const commissioner = await create(admin, '/commissioners', { name: 'Soak County Council', code: `SOAK-${randomUUID().slice(0, 8)}` });
  const programmes = await inBatches(PROGRAMMES, 10, (i) =>
    create(coordinator, '/programmes', { name: `Soak programme ${i}`, venue: 'Museum', minAge: 5, maxAge: 18, capacity: 12 }),
  );
  await create(admin, '/contracts', {
    commissionerId: commissioner.id,
    reference: `SOAK-${randomUUID().slice(0, 8)}`,
    startsOn: addDays(termStart, -60),
    endsOn: addDays(termStart, 160),
    pricePerTermPence: 45000,
    programmeIds: programmes.map((p) => p.id),
  });
  await inBatches(PROGRAMMES * 3, 10, (i) =>
    create(coordinator, `/programmes/${programmes[i % PROGRAMMES].id}/sessions`, {
      date: addDays(termStart, 7 + 21 * Math.floor(i / PROGRAMMES)),
      startTime: '10:00',
      endTime: '15:00',
    }),
  );
  const dateOfBirth = `${Number(termStart.slice(0, 4)) - 12}-03-15`;
  const people = await inBatches(CLIENTS * PARTICIPANTS_PER_CLIENT, 20, async (i) => {
    const participant = await create(coordinator, '/participants', {
      firstName: `Soak${i}`,
      lastName: 'Participant',
      dateOfBirth,
      guardians: [{ name: 'Alex Guardian', relationship: 'mother', phone: '07700 900123' }],
      medicalNotes: 'None known',
    });
    const budget = await create(coordinator, `/participants/${participant.id}/budgets`, {
      type: 'managed',
      commissionerId: commissioner.id,
      reference: `SOAK-PB-${i}`,
      amountPence: 100_000_000,
      validFrom: addDays(termStart, -30),
      validTo: addDays(termStart, 130),
    });
    return { participant, budget };
  });
  console.log(
    `fixtures through the API in ${fmt((performance.now() - fixturesStarted) / 1000)} s: ${PROGRAMMES} programmes × 3 sessions, ` +
      `${people.length} participants with budgets; ${CLIENTS} clients for ${SECONDS} s`,
  );

  // ---- the soak ----
  const latencies = [];
  const byKind = {};
  const statuses = {};
  const failures = [];
  const rss = [{ s: 0, mb: rssMb(service.pid), requests: 0 }];
  let requests = 0;
  const record = (kind, started, status) => {
    const ms = performance.now() - started;
    latencies.push(ms);
    requests++;
    statuses[status] = (statuses[status] ?? 0) + 1;
    (byKind[kind] ??= { n: 0, ms: [] }).n++;
    byKind[kind].ms.push(ms);
    if (status >= 500 && failures.length < 20) failures.push(`${kind} → ${status}`);
  };
  const started = performance.now();
  const endAt = Date.now() + SECONDS * 1000;
  const sampler = setInterval(() => rss.push({ s: Math.round((performance.now() - started) / 1000), mb: rssMb(service.pid), requests }), SAMPLE_SECONDS * 1000);

  const client = async (c) => {
    const mine = people.slice(c * PARTICIPANTS_PER_CLIENT, (c + 1) * PARTICIPANTS_PER_CLIENT);
    const registrations = [];
    const sentNotes = [];
    let n = 0;
    while (Date.now() < endAt) {
      const { participant, budget } = mine[n++ % mine.length];
      const programme = programmes[Math.floor(Math.random() * programmes.length)];
      const roll = Math.random();
      const t0 = performance.now();
      try {
        if (roll < 0.15) {
          const res = await call(coordinator, 'POST', '/api/v1/registrations', { participantId: participant.id, programmeId: programme.id, termId: term.id, budgetId: budget.id });
          record('register', t0, res.status);
          if (res.status === 201) registrations.push(res.body.id);
        } else if (roll < 0.27) {
          const id = registrations.shift();
          if (!id) continue;
          const res = await call(coordinator, 'POST', `/api/v1/registrations/${id}/withdraw`, { reason: 'Soak test' });
          record('withdraw', t0, res.status);
        } else if (roll < 0.47) {
          // a new note, or (one in five) a retry of an earlier one with the same Idempotency-Key
          const replay = sentNotes.length > 0 && Math.random() < 0.2;
          const note = replay
            ? sentNotes[Math.floor(Math.random() * sentNotes.length)]
            : { key: randomUUID(), participantId: participant.id, body: { category: 'progress', body: `Took part well (${randomUUID()})`, occurredAt: new Date().toISOString() } };
          const res = await call(apiKey, 'POST', `/api/v1/participants/${note.participantId}/case-notes`, note.body, { 'idempotency-key': note.key });
          record(replay ? 'case note (replay)' : 'case note', t0, res.status);
          if (!replay && res.status === 201 && sentNotes.length < 50) sentNotes.push(note);
        } else if (roll < 0.67) {
          record('participant read', t0, (await call(coordinator, 'GET', `/api/v1/participants/${participant.id}`)).status);
        } else if (roll < 0.87) {
          record('programme list', t0, (await call(coordinator, 'GET', '/api/v1/programmes?limit=50')).status);
        } else {
          record('headcount', t0, (await call(coordinator, 'GET', `/api/v1/programmes/${programme.id}/terms/${term.id}/headcount`)).status);
        }
      } catch (error) {
        record('network error', t0, 599);
        if (failures.length < 20) failures.push(`${error.code ?? ''} ${error.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  rss.push({ s: Math.round(seconds), mb: rssMb(service.pid), requests });

  const serverErrors = Object.entries(statuses).filter(([s]) => Number(s) >= 500).reduce((sum, [, n]) => sum + n, 0);
  console.log(`\n${requests} requests in ${fmt(seconds)} s: ${fmt(requests / seconds, 0)} requests/s, p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms`);
  console.log(`statuses: ${JSON.stringify(statuses)}  →  5xx (and network errors): ${serverErrors}`);
  for (const [kind, { n, ms }] of Object.entries(byKind)) {
    console.log(`  ${kind.padEnd(20)} ${String(n).padStart(7)}  p50 ${fmt(percentile(ms, 50)).padStart(7)} ms  p99 ${fmt(percentile(ms, 99)).padStart(7)} ms`);
  }
  console.log(`service RSS (MB) every ${SAMPLE_SECONDS} s: ${rss.map((r) => `${r.s}s ${r.mb}`).join(', ')}`);
  console.log(`RSS at start ${rss[0].mb} MB, at end ${rss[rss.length - 1].mb} MB`);
  if (failures.length) console.log(`first failures: ${failures.join('; ')}`);
  if (serverErrors > 0) exitCode = 1;
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await agent.close();
  await service.stop();
  await database.drop();
  await server.stop();
}
process.exit(exitCode);
