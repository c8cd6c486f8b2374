// The baseline of the authenticated reads: bare node:http with pg, one primary-key select per request
// (`GET /participants/<id>` and `GET /programmes/<id>`), answering the row as JSON. No auth, no audit,
// no validation: what a request costs this machine at the least. Run: node bare-pg.mjs <port> <database url>
//
// `GET /audited/<participant id>/<user id>` is the floor of the audited read: the very statement the service
// runs for GET /participants/:id (readParticipantAudited: the read and its audit events in one data-modifying
// CTE, prepared, committed durably), called with a pg shim; still no auth, no validation, no logging.
import { createServer } from 'node:http';
import pg from 'pg';
import { readParticipantAudited } from '../../../dist/src/participants/participant.repository.js';
import { configurePgTypes } from '../../../dist/src/database/pg-types.js';

configurePgTypes();

const [port, url] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 10 });
const QUERIES = {
  participants: 'SELECT * FROM participants WHERE id = $1',
  programmes: 'SELECT * FROM programmes WHERE id = $1',
};

/** A pg shim for the service's repositories: each statement text prepared once per connection, as the service does. */
const names = new Map();
const shim = {
  query: (text, values) => {
    if (!names.has(text)) names.set(text, `bare-${names.size + 1}`);
    return pool.query({ text, values, name: names.get(text) }).then((result) => result.rows);
  },
};

function audited(participantId, userId) {
  const actor = { principal: { kind: 'user', id: userId, name: 'Bench Coordinator', role: 'coordinator' }, requestId: 'bench' };
  return readParticipantAudited(shim, participantId, actor, true, new Date().toISOString().slice(0, 10)).then((row) => (row ? [row] : []));
}

const server = createServer((req, res) => {
  const [, table, id, userId] = (req.url ?? '').split('/');
  const sql = QUERIES[table];
  if ((!sql && table !== 'audited') || !id) {
    res.writeHead(404).end();
    return;
  }
  (table === 'audited' ? audited(id, userId) : pool.query(sql, [id]).then(({ rows }) => rows)).then(
    (rows) => {
      const body = JSON.stringify(rows[0] ?? null);
      res.writeHead(rows.length ? 200 : 404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    },
    (error) => {
      res.writeHead(500).end(String(error.message));
    },
  );
});
server.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
