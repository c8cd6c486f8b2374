// HTTP benchmark (issue 12). Run: npm run bench:http
//
// Measures, in one run on this machine, requests per second through the real service (a separate `api`
// process, LOG_LEVEL=info as in production) against baselines, each its own process, all driven by
// autocannon in a process of its own (BENCH_CONNECTIONS connections, BENCH_SECONDS seconds, after a
// one-second warm-up; the service and its baseline take turns):
//   1. GET /health/live against a minimal Nest 12 + Fastify application answering the same JSON;
//   2. GET /api/v1/participants/:id as a coordinator (the token looked up, the read audited) and
//   3. GET /api/v1/programmes as a coordinator (a page of 20)
//      against bare node:http + pg doing one primary-key select per request;
//   2b. the participant read again, against its floor: bare node:http + pg running the service's own
//      audited statement (readParticipantAudited, bare-pg.mjs), what that read costs this machine at the least.
// BENCH_SERVER_NODE_ARGS (e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof') go to the service's node. It also prints the service's resident memory, idle and at its peak. It asserts nothing.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchServer, call, fmt, freshDatabase, startBaseline, startService } from '../support.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PROGRAMMES = 20;
const HERE = import.meta.dirname;
const AUTOCANNON = resolve(HERE, '../../../node_modules/autocannon/autocannon.js');

/** autocannon, in its own process, against one URL; returns requests/s and latency percentiles. */
async function load(url, headers = {}, seconds = SECONDS) {
  const args = [AUTOCANNON, '-c', String(CONNECTIONS), '-d', String(seconds), '-j'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  await once(child, 'exit');
  const result = JSON.parse(out);
  const ok = result['2xx'];
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${url}: ${bad} requests failed (${JSON.stringify({ non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts })})`);
  return { perSecond: ok / result.duration, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Warm-up then measure, the service and its baseline in turn. */
async function compare(label, service, baseline) {
  await load(service.url, service.headers, 1);
  const a = await load(service.url, service.headers);
  await load(baseline.url, baseline.headers, 1);
  const b = await load(baseline.url, baseline.headers);
  console.log(`${label}`);
  console.log(`   service   ${fmt(a.perSecond, 0).padStart(7)} req/s  (p50 ${a.p50} ms, p99 ${a.p99} ms)  ${service.what}`);
  console.log(`   baseline  ${fmt(b.perSecond, 0).padStart(7)} req/s  (p50 ${b.p50} ms, p99 ${b.p99} ms)  ${baseline.what}`);
  console.log(`   ratio service/baseline: ${fmt(a.perSecond / b.perSecond, 2)}`);
  return { service: a, baseline: b, ratio: a.perSecond / b.perSecond };
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const server = await benchServer();
const db = await freshDatabase(server.adminUrl, 'http');
const service = await startService('api', {
  DATABASE_URL: db.url,
  REDIS_URL: server.redisUrl,
  BULL_PREFIX: `bench-http-${process.pid}`,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
}, (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean));
const minimal = await startBaseline(resolve(HERE, 'minimal-nest.mjs'));
const bare = await startBaseline(resolve(HERE, 'bare-pg.mjs'), [db.url]);
const results = {};
try {
  const coordinator = await call(service.baseUrl, db.adminToken, 'POST', '/api/v1/users', { name: 'Bench Coordinator', email: 'bench@museum.example', role: 'coordinator' });
  const token = coordinator.body.token;
  const participant = await call(service.baseUrl, token, 'POST', '/api/v1/participants', {
    firstName: 'Jamie',
    lastName: 'Smith',
    dateOfBirth: '2013-05-14',
    guardians: [{ name: 'Alex Smith', relationship: 'mother' }],
    medicalNotes: 'Carries an inhaler',
  });
  let programmeId;
  for (let i = 0; i < PROGRAMMES; i++) {
    const created = await call(service.baseUrl, db.adminToken, 'POST', '/api/v1/programmes', { name: `Programme ${i}`, venue: 'Fitzwilliam Museum', minAge: 11, maxAge: 15 });
    programmeId ??= created.body.id;
  }
  if (participant.status !== 201 || !programmeId) throw new Error('could not seed the benchmark');
  const auth = { authorization: `Bearer ${token}` };
  const idle = rssMb(service.pid);

  console.log(`HTTP benchmark (${new Date().toISOString()}; node ${process.version}; autocannon ${CONNECTIONS} connections, ${SECONDS} s each, own process)`);
  results.live = await compare(
    '1. GET /health/live',
    { url: `${service.baseUrl}/health/live`, what: 'this service' },
    { url: `${minimal.baseUrl}/health/live`, what: 'minimal Nest 12 + Fastify, same JSON' },
  );
  results.participant = await compare(
    '2. GET /api/v1/participants/:id as a coordinator (token look-up, audited read)',
    { url: `${service.baseUrl}/api/v1/participants/${participant.body.id}`, headers: auth, what: 'this service' },
    { url: `${bare.baseUrl}/participants/${participant.body.id}`, what: 'node:http + pg, one primary-key select' },
  );
  results.participantFloor = await compare(
    '2b. the same read against its floor',
    { url: `${service.baseUrl}/api/v1/participants/${participant.body.id}`, headers: auth, what: 'this service' },
    { url: `${bare.baseUrl}/audited/${participant.body.id}/${coordinator.body.id}`, what: 'node:http + pg, readParticipantAudited, the service\'s statement' },
  );
  results.programmes = await compare(
    `3. GET /api/v1/programmes as a coordinator (a page of ${PROGRAMMES})`,
    { url: `${service.baseUrl}/api/v1/programmes`, headers: auth, what: 'this service' },
    { url: `${bare.baseUrl}/programmes/${programmeId}`, what: 'node:http + pg, one primary-key select' },
  );
  const after = rssMb(service.pid);
  results.rssMb = { idle: idle.rss, peak: after.peak };
  console.log(`Service resident memory: idle ${fmt(idle.rss, 0)} MB, peak ${fmt(after.peak, 0)} MB`);
  console.log(JSON.stringify(results));
} finally {
  await service.stop();
  await minimal.stop();
  await bare.stop();
  await db.drop();
  await server.stop();
}
