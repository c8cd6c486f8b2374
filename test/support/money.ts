import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Response } from 'supertest';
import { bearer, type TestApp } from './test-app.js';

/** GET a binary answer (a PDF) as a Buffer in res.body. */
export function getBinary(t: TestApp, path: string, token: string, accept?: string): Promise<Response> {
  let req = t.api().get(path).set(bearer(token));
  if (accept) req = req.set('Accept', accept);
  return req.buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (c: Buffer) => chunks.push(c));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

/** The text of every page of a PDF, as PDF.js (Mozilla's reader) extracts it, lines joined by newlines. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const document = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, disableFontFace: true, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= document.numPages; n++) {
    const content = await (await document.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
  }
  await document.destroy();
  return pages.join('\n');
}

/**
 * Moves an issued document's dates into the past, in the test's own database only: the API issues
 * documents today, and a statement's history needs documents at known earlier dates. Documents are
 * immutable (a trigger refuses UPDATE); the session's replication role skips that trigger for this one
 * statement. Everything else about the document (lines, ledger, credits) stays as the API made it.
 */
export async function backdateDocument(t: TestApp, id: string, issueDate: string, dueDate: string): Promise<void> {
  const client = await t.db.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL session_replication_role = replica`);
    const res = await client.query(`UPDATE documents SET issue_date = $2, due_date = $3 WHERE id = $1`, [id, issueDate, dueDate]);
    if (res.rowCount !== 1) throw new Error(`no document ${id}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

type World = Awaited<ReturnType<typeof import('./billing.js').billingWorld>>;

/** A council with a programme of its own in the world's term (places are capped at 12 a programme). */
export interface Council {
  id: string;
  programme: { id: string };
}

/** A new council with its own programme (one session) and a contract for it: 45000 a place, no VAT. */
export async function councilOf(w: World, name: string): Promise<Council> {
  const commissioner = await w.f.commissioner({ name });
  const programme = await w.f.programme({ name: `${name} Saturday club` });
  await w.f.session(programme.id, { date: '2026-10-10' });
  await w.f.contract(commissioner.id, [programme.id], { pricePerTermPence: 45000 });
  return { id: commissioner.id, programme };
}

/** One more place on the council's programme, taken before the census, paid by a new budget of that council. */
export async function placeWith(w: World, c: Council, type: 'managed' | 'direct_payment' = 'managed') {
  const participant = await w.f.participant();
  const budget = await w.f.budget(participant.id, c.id, {
    type,
    ...(type === 'direct_payment' ? { holderName: 'Sam Holder', holderEmail: 'sam@family.example' } : {}),
  });
  await w.f.post('/registrations', { participantId: participant.id, programmeId: c.programme.id, termId: w.term.id, budgetId: budget.id, registeredOn: '2026-09-15' });
  return { participant, budget };
}
