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

/**
 * Today's date in Europe/London. Computed here on its own (not borrowed from src/common/london-calendar.ts)
 * so that a test of "today" cannot pass because the code it checks is wrong the same way.
 */
export function londonToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** `date` moved by `days` calendar days (YYYY-MM-DD in, YYYY-MM-DD out). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The same month and day `years` earlier: the date of birth of someone who turns `years` on `date` (not 29 February). */
export function yearsBefore(date: string, years: number): string {
  if (date.endsWith('-02-29')) throw new Error('yearsBefore: pick a date that exists every year');
  return `${String(Number(date.slice(0, 4)) - years).padStart(4, '0')}${date.slice(4)}`;
}

/** The first day of the London month containing `date`: a term start that is never 29 February. */
export const firstOfMonth = (date: string) => `${date.slice(0, 8)}01`;

export interface TermDates {
  id: string;
  startsOn: string;
  endsOn: string;
  censusDate: string;
}

export function factories(t: TestApp) {
  async function post(path: string, body: Body, token = t.adminToken): Promise<Body> {
    const res = await t.api().post(`/api/v1${path}`).set(bearer(token)).send(body);
    if (res.status !== 201) {
      throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  /** Body of a registration of `participant` onto `programme` for `term`, paid by `budget`. */
  const registrationOf = (participant: { id: string }, programme: { id: string }, term: { id: string }, budget: { id: string }, extra: Body = {}) => ({
    participantId: participant.id,
    programmeId: programme.id,
    termId: term.id,
    budgetId: budget.id,
    ...extra,
  });

  const self = {
    post,
    get: (path: string, token = t.adminToken) => t.api().get(`/api/v1${path}`).set(bearer(token)),
    /** POST /registrations, answering the raw response (the caller checks the status). */
    register: (body: Body, token = t.adminToken) => t.api().post('/api/v1/registrations').set(bearer(token)).send(body),
    /** POST /registrations/:id/withdraw, answering the raw response. */
    withdraw: (id: string, body: Body = { reason: 'Family moved away' }, token = t.adminToken) =>
      t.api().post(`/api/v1/registrations/${id}/withdraw`).set(bearer(token)).send(body),
    registrationOf,
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
        Body & TermDates
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

  /**
   * A programme ready to take registrations for `term`: a commissioner (or the one given) with a
   * contract covering the programme on the term's dates.
   */
  async function offer(
    term: TermDates,
    options: { programme?: Body; contract?: Body; commissioner?: { id: string } } = {},
  ): Promise<{ commissioner: { id: string }; programme: Body & { id: string }; contract: Body & { id: string } }> {
    const commissioner = options.commissioner ?? (await self.commissioner());
    const programme = await self.programme(options.programme);
    const contract = await self.contract(commissioner.id, [programme.id], {
      startsOn: addDays(term.startsOn, -400),
      endsOn: addDays(term.endsOn, 400),
      ...options.contract,
    });
    return { commissioner, programme, contract };
  }

  /** A participant aged `age` (default 13) on the term's first day, with a budget valid for the whole term. */
  async function applicant(
    term: TermDates,
    commissionerId: string,
    options: { age?: number; participant?: Body; budget?: Body } = {},
  ): Promise<{ participant: Body & { id: string }; budget: Body & { id: string } }> {
    const participant = await self.participant({ dateOfBirth: dateOfBirthFor(options.age ?? 13, term.startsOn), ...options.participant });
    const budget = await self.budget(participant.id, commissionerId, {
      validFrom: addDays(term.startsOn, -30),
      validTo: addDays(term.endsOn, 30),
      ...options.budget,
    });
    return { participant, budget };
  }

  /**
   * A new applicant registered onto `programme` for `term` (201 required); answers the registration
   * with its participant and budget.
   */
  async function registered(
    term: TermDates,
    programme: { id: string },
    commissionerId: string,
    options: { age?: number; participant?: Body; budget?: Body; registration?: Body } = {},
  ) {
    const { participant, budget } = await applicant(term, commissionerId, options);
    const res = await self.register(registrationOf(participant, programme, term, budget, options.registration));
    if (res.status !== 201) throw new Error(`POST /registrations answered ${res.status}: ${JSON.stringify(res.body)}`);
    return { participant, budget, registration: res.body as Body & { id: string; status: string; waitlistPosition: number | null } };
  }

  return { ...self, offer, applicant, registered };
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
