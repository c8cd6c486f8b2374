/**
 * What the API makes of one `POST /participants/:id/case-notes` from the benchmark's form tool: the note, its
 * stored 201 response and the idempotency claim. Shared by the case-note benchmark's pg baseline
 * (case-notes.ts) and its HTTP floor (case-notes-floor.ts), so both write what the service writes.
 */
import type { Actor } from '../../src/audit/actor.js';
import type { CaseNote } from '../../src/case-notes/case-note.entity.js';
import { CaseNoteResponse } from '../../src/case-notes/dto/case-note.dto.js';
import { requestFingerprint } from '../../src/case-notes/idempotency.js';
import { uuidv7 } from '../../src/common/uuid-v7.js';

export interface NoteDto {
  category: string;
  body: string;
  occurredAt: string;
  authorName: string;
}

/** The benchmark's integration key as the service sees it. */
export const formTool = (integrationId: string): Actor => ({
  principal: { kind: 'integration', id: integrationId, name: 'Bench form tool', scopes: ['case-notes:write'] },
  requestId: null,
});

export function noteRequest(participantId: string, integrationId: string, dto: NoteDto, key: string) {
  const createdAt = new Date();
  const note: CaseNote = {
    id: uuidv7(createdAt.getTime()),
    participantId,
    category: dto.category as CaseNote['category'],
    occurredAt: new Date(dto.occurredAt),
    sessionId: null,
    authorKind: 'integration',
    authorId: integrationId,
    authorName: 'Bench form tool',
    reportedAuthorName: dto.authorName,
    version: 1,
    createdAt,
    updatedAt: createdAt,
  };
  const response = CaseNoteResponse.of(note, { body: dto.body, createdAt });
  const request = { key, fingerprint: requestFingerprint('POST', `/api/v1/participants/${participantId}/case-notes`, dto) };
  return { note, response, request };
}
