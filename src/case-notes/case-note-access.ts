import type { Principal } from '../auth/principal.js';

export const CASE_NOTE_CATEGORIES = ['general', 'progress', 'behaviour', 'health', 'safeguarding', 'achievement'] as const;
export type CaseNoteCategory = (typeof CASE_NOTE_CATEGORIES)[number];

/** Categories only admin, coordinator and safeguarding_lead may read. */
export const RESTRICTED_CATEGORIES: readonly CaseNoteCategory[] = ['safeguarding'];

/** What a record check needs to know about a note. */
export interface NoteAccessFacts {
  category: CaseNoteCategory;
  authorKind: 'user' | 'integration';
  authorId: string;
}

/**
 * The categories a caller may read. Integration keys read nothing (`case-notes:write` only writes);
 * finance reads no case notes; support workers read all but the restricted categories.
 */
export function readableCategories(principal: Principal): CaseNoteCategory[] {
  if (principal.kind !== 'user') return [];
  switch (principal.role) {
    case 'admin':
    case 'coordinator':
    case 'safeguarding_lead':
      return [...CASE_NOTE_CATEGORIES];
    case 'support_worker':
      return CASE_NOTE_CATEGORIES.filter((c) => !RESTRICTED_CATEGORIES.includes(c));
    default:
      return [];
  }
}

export function mayRead(principal: Principal, note: Pick<NoteAccessFacts, 'category'>): boolean {
  return readableCategories(principal).includes(note.category);
}

export function isAuthor(principal: Principal, note: NoteAccessFacts): boolean {
  return principal.kind === note.authorKind && principal.id === note.authorId;
}

/**
 * Who may amend a note: whoever may read it, and its author (an integration amends the notes it
 * posted; a support worker the safeguarding notes they wrote). Finance never.
 */
export function mayAmend(principal: Principal, note: NoteAccessFacts): boolean {
  if (principal.kind === 'integration') return isAuthor(principal, note) && principal.scopes.includes('case-notes:write');
  if (principal.role === 'finance') return false;
  return mayRead(principal, note) || isAuthor(principal, note);
}
