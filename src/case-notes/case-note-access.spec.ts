import type { Principal, Role, Scope } from '../auth/principal.js';
import { type CaseNoteCategory, mayAmend, mayRead, readableCategories } from './case-note-access.js';

const user = (role: Role, id = 'u1'): Principal => ({ kind: 'user', id, name: role, role });
const integration = (id = 'i1', scopes: Scope[] = ['case-notes:write']): Principal => ({
  kind: 'integration',
  id,
  name: 'form tool',
  scopes,
});
const note = (category: CaseNoteCategory, authorKind: 'user' | 'integration' = 'user', authorId = 'someone-else') => ({
  category,
  authorKind,
  authorId,
});

describe('case note access', () => {
  it.each<[Role, boolean, boolean]>([
    ['admin', true, true],
    ['coordinator', true, true],
    ['safeguarding_lead', true, true],
    ['support_worker', true, false],
    ['finance', false, false],
  ])('%s reads general notes: %s, safeguarding notes: %s', (role, general, safeguarding) => {
    expect(mayRead(user(role), note('general'))).toBe(general);
    expect(mayRead(user(role), note('safeguarding'))).toBe(safeguarding);
  });

  it('gives support workers every category but safeguarding', () => {
    expect(readableCategories(user('support_worker'))).toEqual(['general', 'progress', 'behaviour', 'health', 'achievement']);
  });

  it('lets integration keys read nothing, whatever they wrote', () => {
    expect(readableCategories(integration())).toEqual([]);
    expect(mayRead(integration(), note('general', 'integration', 'i1'))).toBe(false);
  });

  it('lets an integration amend only the notes it posted', () => {
    expect(mayAmend(integration('i1'), note('general', 'integration', 'i1'))).toBe(true);
    expect(mayAmend(integration('i1'), note('safeguarding', 'integration', 'i1'))).toBe(true);
    expect(mayAmend(integration('i1'), note('general', 'integration', 'i2'))).toBe(false);
    expect(mayAmend(integration('i1'), note('general', 'user', 'i1'))).toBe(false);
    expect(mayAmend(integration('i1', ['participants:read']), note('general', 'integration', 'i1'))).toBe(false);
  });

  it('lets staff amend what they may read, and their own safeguarding notes', () => {
    expect(mayAmend(user('support_worker'), note('general'))).toBe(true);
    expect(mayAmend(user('support_worker'), note('safeguarding'))).toBe(false);
    expect(mayAmend(user('support_worker', 'me'), note('safeguarding', 'user', 'me'))).toBe(true);
    expect(mayAmend(user('coordinator'), note('safeguarding'))).toBe(true);
    expect(mayAmend(user('finance', 'me'), note('general', 'user', 'me'))).toBe(false);
  });
});
