import { withConstraints } from '../common/constraints.js';
import { isWithin, todayInLondon } from '../common/london-calendar.js';
import { conflict, notFound, type ProblemError, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { eligibilityProblem, insufficientBudget, participantErased } from './eligibility.js';
import { Registration } from './registration.entity.js';
import type { Queryable } from '../database/sql.js';

/*
 * The statements of registering and withdrawing. They need only `em.query`, so the benchmark's
 * baseline runs exactly the same SQL through `pg`. Each writes in one statement (atomic on its own).
 */
export interface RegistrationFacts {
  participant_id: string | null;
  date_of_birth: string;
  erased: boolean;
  programme_id: string | null;
  min_age: number;
  max_age: number;
  term_id: string | null;
  starts_on: string;
  ends_on: string;
  census_date: string;
  budget_id: string | null;
  budget_participant_id: string;
  valid_from: string;
  valid_to: string;
  amount_pence: number;
  committed_pence: number;
  contract_id: string | null;
  /** The price the place would take on the requested date (place_price: the contract period's, or a late joiner's pro rata). */
  price_pence: number;
}

export interface RegistrationRequest {
  participantId: string;
  programmeId: string;
  termId: string;
  budgetId: string;
  /** The date the place is taken (a correction's registeredOn; default today): prices a late joiner. */
  registeredOn?: string | null;
}

/** Everything eligibility depends on, in one query (read before the transaction; the locks re-check what matters). */
export async function loadRegistrationFacts(em: Queryable, r: RegistrationRequest): Promise<RegistrationFacts> {
  const [facts] = await em.query(
    `SELECT p.id AS participant_id, p.date_of_birth, p.erased_at IS NOT NULL AS erased,
            pr.id AS programme_id, pr.min_age, pr.max_age,
            t.id AS term_id, t.starts_on, t.ends_on, t.census_date,
            b.id AS budget_id, b.participant_id AS budget_participant_id, b.valid_from, b.valid_to,
            b.amount_pence, b.committed_pence,
            c.id AS contract_id,
            place_price(c.id, pr.id, t.id, coalesce($5::date, (now() AT TIME ZONE 'Europe/London')::date)) AS price_pence
       FROM (SELECT 1) AS one
       LEFT JOIN participants p ON p.id = $1
       LEFT JOIN programmes pr ON pr.id = $2
       LEFT JOIN terms t ON t.id = $3
       LEFT JOIN personal_budgets b ON b.id = $4
       LEFT JOIN LATERAL (
            SELECT c.id
              FROM contracts c JOIN contract_programmes cp ON cp.contract_id = c.id AND cp.programme_id = pr.id
             WHERE c.commissioner_id = b.commissioner_id AND c.starts_on <= t.starts_on AND c.ends_on >= t.ends_on
             ORDER BY c.starts_on DESC LIMIT 1) c ON true`,
    [r.participantId, r.programmeId, r.termId, r.budgetId, r.registeredOn ?? null],
  );
  return facts;
}

/**
 * Why the facts refuse a registration, if they do: an unknown reference (naming the field), then the
 * eligibility rules of eligibility.ts (naming the rule).
 */
export function refusalOf(r: RegistrationRequest, facts: RegistrationFacts): ProblemError | undefined {
  if (!facts.participant_id) return ruleBrokenOn('unknown-participant', 'participantId', `no participant with id ${r.participantId}`);
  if (!facts.programme_id) return ruleBrokenOn('unknown-programme', 'programmeId', `no programme with id ${r.programmeId}`);
  if (!facts.term_id) return ruleBrokenOn('unknown-term', 'termId', `no term with id ${r.termId}`);
  if (!facts.budget_id) return ruleBrokenOn('unknown-budget', 'budgetId', `no budget with id ${r.budgetId}`);
  return eligibilityProblem({
    participant: { id: facts.participant_id, dateOfBirth: facts.date_of_birth, erased: facts.erased },
    programme: { minAge: facts.min_age, maxAge: facts.max_age },
    term: { startsOn: facts.starts_on, endsOn: facts.ends_on },
    budget: {
      participantId: facts.budget_participant_id,
      validFrom: facts.valid_from,
      validTo: facts.valid_to,
      amountPence: facts.amount_pence,
      committedPence: facts.committed_pence,
    },
    contract: facts.contract_id ? { pricePerTermPence: facts.price_pence } : undefined,
  });
}

/**
 * Places a registration, in one statement (the database function place_registration): with the
 * programme and programme-term locked, then the participant (the lock order of
 * migrations/1764320000000-RegistrationLockOrder.ts), an erased participant is refused (an erasure may
 * have committed since the facts were read); a free place goes first to someone already waiting who can
 * now pay (not once the term has ended); then, if a place is still free, its price (place_price: the
 * contract period's price on the term's first day, or a late joiner's pro rata) is fixed and committed
 * against the budget (only if the money is there), the place taken on the programme-term and on each of
 * its sessions, and the registration inserted as registered; otherwise it joins the waitlist, committing
 * nothing.
 */
export async function placeRegistration(
  em: Queryable,
  r: RegistrationRequest & { contractId: string; registeredOn: string; createdBy: string },
): Promise<Registration> {
  const [row] = await withConstraints(
    () =>
      em.query(`SELECT registration, waitlist_position, remaining FROM place_registration($1, $2, $3, $4, $5, $6, $7, $8)`, [
        r.participantId,
        r.programmeId,
        r.termId,
        r.budgetId,
        r.contractId,
        r.registeredOn,
        r.createdBy,
        todayInLondon(),
      ]),
    {
      registrations_one_active: () =>
        conflict('already-registered', 'The participant already has an active registration for this programme and term'),
      registrations_participant_not_erased: participantErased,
    },
  );
  if (!row.registration) {
    const [price] = await em.query(`SELECT place_price($1, $2, $3, $4) AS price`, [r.contractId, r.programmeId, r.termId, r.registeredOn]);
    throw insufficientBudget(row.remaining, price.price);
  }
  return registrationFromRow(row.registration, row.waitlist_position);
}

/**
 * Withdraws a registration, in one statement (the database function withdraw_registration) once the
 * date is settled. A registered one frees its place, which goes at once to the earliest eligible
 * waitlisted registration (unless the term is over). The reason of an erased participant's withdrawal
 * is not kept (stored as '[erased]'). What stays committed is what the place will still be billed
 * (place_billable_pence): a place billed per term keeps its price when it counted at the census (or, a
 * late joiner, was withdrawn after the day it took its place) and releases it otherwise; a direct
 * payment's place keeps the price of the sessions it still covers. Answers, with the registration, who
 * was promoted into the freed place (null if nobody).
 */
export async function withdrawRegistration(
  em: Queryable,
  w: { id: string; reason: string; effectiveOn?: string | null },
): Promise<{ registration: Registration; promoted: PromotedRegistration | null }> {
  const [term] = await em.query(
    `SELECT t.starts_on, t.ends_on FROM registrations r JOIN terms t ON t.id = r.term_id WHERE r.id = $1`,
    [w.id],
  );
  if (!term) throw notFound('registration', w.id);
  const effectiveOn = withdrawalEffectiveOn(w.effectiveOn, term);
  const [row] = await em.query(`SELECT outcome, registration, promoted FROM withdraw_registration($1, $2, $3, $4)`, [
    w.id,
    effectiveOn,
    w.reason,
    todayInLondon(),
  ]);
  if (row.outcome === 'not-found') throw notFound('registration', w.id);
  if (row.outcome === 'already-withdrawn') throw ruleBroken('already-withdrawn', 'The registration is already withdrawn');
  return { registration: registrationFromRow(row.registration, null), promoted: row.promoted ?? null };
}

/** Who the place a withdrawal freed went to, in the same transaction (the earliest one, if it filled more than one). */
export interface PromotedRegistration {
  registrationId: string;
  participantId: string;
}

/** A registration row as PostgreSQL's to_jsonb writes it (snake_case, timestamps as text). */
function registrationFromRow(row: Record<string, unknown>, waitlistPosition: number | null): Registration {
  return Object.assign(new Registration(), {
    id: row.id as string,
    participantId: row.participant_id as string,
    programmeId: row.programme_id as string,
    termId: row.term_id as string,
    budgetId: row.budget_id as string,
    contractId: row.contract_id as string,
    status: row.status as Registration['status'],
    pricePence: row.price_pence as number,
    queueSeq: Number(row.queue_seq),
    registeredOn: (row.registered_on as string | null) ?? null,
    committedPence: row.committed_pence as number,
    withdrawnAt: row.withdrawn_at ? new Date(row.withdrawn_at as string) : null,
    withdrawalEffectiveOn: (row.withdrawal_effective_on as string | null) ?? null,
    withdrawalReason: (row.withdrawal_reason as string | null) ?? null,
    createdBy: (row.created_by as string | null) ?? null,
    createdAt: new Date(row.created_at as string),
    updatedAt: new Date(row.updated_at as string),
    waitlistPosition: waitlistPosition === null ? null : Number(waitlistPosition),
  });
}

/** A given date must lie within the term; the default (today in London) is moved into the term. */
export function withdrawalEffectiveOn(given: string | null | undefined, term: { starts_on: string; ends_on: string }): string {
  if (given != null) {
    if (!isWithin(given, term.starts_on, term.ends_on)) {
      throw ruleBrokenOn('withdrawal-outside-term', 'effectiveOn', `must fall within the term (${term.starts_on} to ${term.ends_on})`);
    }
    return given;
  }
  const today = todayInLondon();
  return today < term.starts_on ? term.starts_on : today > term.ends_on ? term.ends_on : today;
}
