/**
 * The HTTP floor of the case-note benchmark (case-notes.ts): bare node:http + pg answering
 * `POST /api/v1/participants/:id/case-notes` with the very statement the service runs for a note
 * (writeNoteStatement, prepared per connection as the service prepares it) and the same 201 body. No Nest,
 * no authentication, no rate limit, no validation, no logging: what the same work costs over HTTP on this
 * machine at the least. Started by the benchmark: node case-notes-floor.js <port> <database url> <integration id>
 */
import { createServer } from 'node:http';
import pg from 'pg';
import type { CaseNoteResponse } from '../../src/case-notes/dto/case-note.dto.js';
import { writeNoteStatement } from '../../src/case-notes/write-note.js';
import { configurePgTypes } from '../../src/database/pg-types.js';
import { formTool, type NoteDto, noteRequest } from './case-note-request.js';

configurePgTypes();
const [port, databaseUrl, integrationId] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(process.env.BENCH_POOL ?? 10) });
const actor = formTool(integrationId);
const ROUTE = /^\/api\/v1\/participants\/([0-9a-f-]{36})\/case-notes$/;

async function writeNote(participantId: string, key: string, dto: NoteDto): Promise<CaseNoteResponse> {
  const { note, response, request } = noteRequest(participantId, integrationId, dto, key);
  const statement = writeNoteStatement({ note, body: dto.body, actor, idempotency: { request, response: { status: 201, body: response } }, alert: false });
  const { rows } = await pool.query({ name: statement.prepared, text: statement.sql, values: statement.params });
  if (rows[0]?.written !== 1) throw new Error('The note was not written');
  return response;
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const path = req.url ?? '';
    const participantId = ROUTE.exec(path)?.[1];
    if (req.method !== 'POST' || !participantId) {
      res.writeHead(404).end();
      return;
    }
    const key = String(req.headers['idempotency-key'] ?? '');
    writeNote(participantId, key, JSON.parse(Buffer.concat(chunks).toString('utf8'))).then(
      (response) => {
        const text = JSON.stringify(response);
        res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
      (error: Error) => res.writeHead(500).end(error.message),
    );
  });
});
server.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
