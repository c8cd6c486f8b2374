export const ROLES = ['admin', 'coordinator', 'support_worker', 'finance', 'safeguarding_lead'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['case-notes:write', 'attendance:write', 'participants:read'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: a member of staff with a role, or an integration with scopes. */
export type Principal =
  | { kind: 'user'; id: string; name: string; role: Role }
  | { kind: 'integration'; id: string; name: string; scopes: Scope[] };

export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return principal.kind === 'user' && (principal.role === 'admin' || roles.includes(principal.role));
}
