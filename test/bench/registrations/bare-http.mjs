// The HTTP floor of the registration benchmark: bare node:http + pg answering the service's two routes
// (POST /api/v1/registrations, POST /api/v1/registrations/:id/withdraw) with the very statements the service
// runs (the registrations repository, through a pg shim that prepares nothing, as the SQL baseline). No Nest,
// no auth, no validation, no logging: what the same work costs over HTTP on this machine at the least.
// Run: node bare-http.mjs <port> <database url>
import { createServer } from 'node:http';
import pg from 'pg';
import { registerParticipant, termOfRegistration, withdrawRegistration } from '../../../dist/src/registrations/registration.repository.js';
import { withdrawalEffectiveOn } from '../../../dist/src/registrations/withdrawal.js';
import { configurePgTypes } from '../../../dist/src/database/pg-types.js';

configurePgTypes();
const [port, url] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BENCH_POOL ?? 10) });
const sql = { query: (text, params) => pool.query(text, params).then((r) => r.rows) };
const WITHDRAW = /^\/api\/v1\/registrations\/([0-9a-f-]{36})\/withdraw$/;

async function handle(path, body) {
  if (path === '/api/v1/registrations') {
    const outcome = await registerParticipant(sql, { ...body, registeredOn: body.registeredOn ?? null }, '00000000-0000-0000-0000-000000000000');
    return outcome.placed ? [201, outcome.registration] : [422, { refusal: outcome.refusal }];
  }
  const id = WITHDRAW.exec(path)?.[1];
  if (!id) return [404, {}];
  const term = await termOfRegistration(sql, id);
  if (!term) return [404, {}];
  const outcome = await withdrawRegistration(sql, { id, reason: body.reason, effectiveOn: withdrawalEffectiveOn(null, term) });
  return outcome.outcome === 'withdrawn' ? [200, { ...outcome.registration, promoted: outcome.promoted }] : [409, { outcome: outcome.outcome }];
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    handle(req.url ?? '', JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')).then(
      ([status, answer]) => {
        const text = JSON.stringify(answer);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
      (error) => res.writeHead(500).end(String(error.message)),
    );
  });
});
server.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
