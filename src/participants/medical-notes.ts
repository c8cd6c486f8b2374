import { hasRole, type Principal } from '../auth/principal.js';

/**
 * Who may read a participant's medical notes: staff who look after or protect the child. Finance and
 * integration keys never see them.
 */
export function mayReadMedicalNotes(principal: Principal): boolean {
  return hasRole(principal, 'coordinator', 'support_worker', 'safeguarding_lead');
}
