import type { Principal, Role, Scope } from '../auth/principal.js';
import { mayReadMedicalNotes } from './medical-notes.js';

const user = (role: Role): Principal => ({ kind: 'user', id: 'u', name: 'U', role });
const key = (...scopes: Scope[]): Principal => ({ kind: 'integration', id: 'k', name: 'K', scopes });

describe('mayReadMedicalNotes', () => {
  it.each([
    ['admin', true],
    ['coordinator', true],
    ['support_worker', true],
    ['safeguarding_lead', true],
    ['finance', false],
  ] as Array<[Role, boolean]>)('%s → %s', (role, expected) => {
    expect(mayReadMedicalNotes(user(role))).toBe(expected);
  });

  it('never for an integration key, whatever its scopes', () => {
    expect(mayReadMedicalNotes(key('participants:read'))).toBe(false);
    expect(mayReadMedicalNotes(key('participants:read', 'case-notes:write', 'attendance:write'))).toBe(false);
  });
});
