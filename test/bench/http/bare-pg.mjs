// The baseline of the authenticated reads: bare node:http with pg, one primary-key select per request
// (`GET /participants/<id>` and `GET /programmes/<id>`), answering the row as JSON. No auth, no audit,
// no validation: what a request costs this machine at the least. Run: node bare-pg.mjs <port> <database url>
import { createServer } from 'node:http';
import pg from 'pg';

const [port, url] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 10 });
const QUERIES = {
  participants: 'SELECT * FROM participants WHERE id = $1',
  programmes: 'SELECT * FROM programmes WHERE id = $1',
};

const server = createServer((req, res) => {
  const [, table, id] = (req.url ?? '').split('/');
  const sql = QUERIES[table];
  if (!sql || !id) {
    res.writeHead(404).end();
    return;
  }
  pool.query(sql, [id]).then(
    ({ rows }) => {
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
