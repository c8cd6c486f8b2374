import type { Actor } from '../audit/actor.js';
import type { CaseNote } from './case-note.entity.js';
import { writeNoteStatement } from './write-note.js';

const actor: Actor = { principal: { kind: 'integration', id: 'i1', name: 'Form tool', scopes: ['case-notes:write'] }, requestId: 'r1' };
const note: CaseNote = {
  id: 'n1',
  participantId: 'p1',
  category: 'safeguarding',
  occurredAt: new Date('2026-10-10T11:30:00Z'),
  sessionId: null,
  authorKind: 'integration',
  authorId: 'i1',
  authorName: 'Form tool',
  reportedAuthorName: null,
  version: 1,
  createdAt: new Date('2026-10-10T12:00:00Z'),
  updatedAt: new Date('2026-10-10T12:00:00Z'),
};
const idempotency = { request: { key: 'k1', fingerprint: 'f'.repeat(64) }, response: { status: 201, body: { id: 'n1' } } };

/** Every placeholder $1..$n is used and matched by a parameter: the clauses are numbered right. */
function placeholders(sql: string): number[] {
  return [...new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

describe('writeNoteStatement', () => {
  it.each([
    ['with a key and an alert', { idempotency, alert: true }],
    ['with a key, no alert', { idempotency, alert: false }],
    ['without a key', { alert: false }],
  ])('numbers its parameters consistently %s', (_what, options) => {
    const { sql, params } = writeNoteStatement({ note, body: 'Body', actor, ...options });
    expect(placeholders(sql)).toEqual(Array.from({ length: params.length }, (_, i) => i + 1));
  });

  it('writes the note only when the key was taken, if there is one', () => {
    expect(writeNoteStatement({ note, body: 'Body', actor, idempotency, alert: false }).sql).toContain('EXISTS (SELECT 1 FROM claim)');
    expect(writeNoteStatement({ note, body: 'Body', actor, alert: false }).sql).not.toContain('EXISTS (SELECT 1 FROM claim)');
  });

  it('carries the request id and the actor into the audit event, and the response into the key row', () => {
    const { params } = writeNoteStatement({ note, body: 'Body', actor, idempotency, alert: true });
    expect(params).toEqual(expect.arrayContaining(['r1', 'create', 'case_note', 'k1', JSON.stringify({ id: 'n1' }), true]));
  });
});
