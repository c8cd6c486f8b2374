import { randomBytes } from 'node:crypto';
import { bearer, type TestApp } from './support/test-app.js';

/**
 * Builders for the domain's records, made through the API as a user would. Each takes overrides;
 * defaults describe Arts Pioneers in Autumn 2026.
 */
export type Body = Record<string, unknown>;

export const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

/** A date of birth that makes someone `age` on `on` (their birthday a month before). */
export function dateOfBirthFor(age: number, on = '2026-09-01'): string {
  const [y, m, d] = on.split('-').map(Number);
  const date = new Date(Date.UTC(y - age, m - 2, d));
  return date.toISOString().slice(0, 10);
}

export function factories(t: TestApp) {
  async function post(path: string, body: Body, token = t.adminToken): Promise<Body> {
    const res = await t.api().post(`/api/v1${path}`).set(bearer(token)).send(body);
    if (res.status !== 201) {
      throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  return {
    post,
    user: (role: string, overrides: Body = {}) =>
      post('/users', { name: `A ${role}`, email: `${unique(role)}@museum.example`, role, ...overrides }) as Promise<Body & { id: string; token: string }>,
    integration: (scopes: string[], overrides: Body = {}) =>
      post('/integrations', { name: unique('integration'), scopes, ...overrides }) as Promise<Body & { id: string; apiKey: string }>,
    commissioner: (overrides: Body = {}) =>
      post('/commissioners', { name: 'Cambridgeshire County Council', code: unique('CAMBS'), ...overrides }) as Promise<Body & { id: string }>,
    programme: (overrides: Body = {}) =>
      post('/programmes', { name: 'Arts Pioneers', venue: 'Fitzwilliam Museum', minAge: 11, maxAge: 15, ...overrides }) as Promise<Body & { id: string }>,
    term: (overrides: Body = {}) =>
      post('/terms', { name: 'Autumn 2026', startsOn: '2026-09-01', endsOn: '2026-12-18', censusDate: '2026-10-01', ...overrides }) as Promise<
        Body & { id: string }
      >,
    contract: (commissionerId: string, programmeIds: string[], overrides: Body = {}) =>
      post('/contracts', {
        commissionerId,
        reference: unique('CONTRACT'),
        startsOn: '2024-09-01',
        endsOn: '2028-08-31',
        pricePerTermPence: 45000,
        programmeIds,
        ...overrides,
      }) as Promise<Body & { id: string }>,
    session: (programmeId: string, overrides: Body = {}) =>
      post(`/programmes/${programmeId}/sessions`, { date: '2026-10-10', startTime: '10:00', endTime: '15:00', ...overrides }) as Promise<
        Body & { id: string }
      >,
    participant: (overrides: Body & { age?: number } = {}) => {
      const { age, ...rest } = overrides;
      return post('/participants', {
        firstName: 'Jamie',
        lastName: 'Smith',
        dateOfBirth: dateOfBirthFor(age ?? 13),
        guardians: [{ name: 'Alex Smith', relationship: 'mother', phone: '07700 900123' }],
        ...rest,
      }) as Promise<Body & { id: string }>;
    },
    budget: (participantId: string, commissionerId: string, overrides: Body = {}) =>
      post(`/participants/${participantId}/budgets`, {
        type: 'managed',
        commissionerId,
        reference: unique('PB'),
        amountPence: 200000,
        validFrom: '2026-04-01',
        validTo: '2027-03-31',
        ...overrides,
      }) as Promise<Body & { id: string }>,
  };
}

/** A term that overlaps no other term made with a different `year` (terms are global and may not overlap). */
export function termInYear(year: number, overrides: Body = {}): Body {
  return { name: `Spring ${year}`, startsOn: `${year}-01-05`, endsOn: `${year}-03-31`, censusDate: `${year}-02-01`, ...overrides };
}

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** One request as `token` (no Authorization header when token is undefined). */
export function call(t: TestApp, method: Method, path: string, token: string | undefined, body?: unknown) {
  let req = t.api()[method](path);
  if (token !== undefined) req = req.set(bearer(token));
  return body === undefined ? req : req.send(body as object);
}
