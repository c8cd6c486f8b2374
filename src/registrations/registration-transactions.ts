import { withConstraints } from '../common/constraints.js';
import { isWithin, todayInLondon } from '../common/london-calendar.js';
import { conflict, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { countsAtCensus } from '../headcounts/headcount.js';
import { lockProgrammeTerm } from './capacity.js';
import { insufficientBudget } from './eligibility.js';
import { promoteFromWaitlist } from './waitlist.js';
import { Registration } from './registration.entity.js';
import type { Sql } from '../database/sql.js';

/*
 * The statements of registering and withdrawing, each run inside one transaction by the caller.
 * They need only `em.query`, so the benchmark's baseline runs exactly the same SQL through `pg`.
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
  price_per_term_pence: number;
}

export interface RegistrationRequest {
  participantId: string;
  programmeId: string;
  termId: string;
  budgetId: string;
}

/** Everything eligibility depends on, in one query (read before the transaction; the locks re-check what matters). */
export async function loadRegistrationFacts(em: Sql, r: RegistrationRequest): Promise<RegistrationFacts> {
  const [facts] = await em.query(
    `SELECT p.id AS participant_id, p.date_of_birth, p.erased_at IS NOT NULL AS erased,
            pr.id AS programme_id, pr.min_age, pr.max_age,
            t.id AS term_id, t.starts_on, t.ends_on, t.census_date,
            b.id AS budget_id, b.participant_id AS budget_participant_id, b.valid_from, b.valid_to,
            b.amount_pence, b.committed_pence,
            c.id AS contract_id, c.price_per_term_pence
       FROM (SELECT 1) AS one
       LEFT JOIN participants p ON p.id = $1
       LEFT JOIN programmes pr ON pr.id = $2
       LEFT JOIN terms t ON t.id = $3
       LEFT JOIN personal_budgets b ON b.id = $4
       LEFT JOIN LATERAL (
            SELECT c.id, c.price_per_term_pence
              FROM contracts c JOIN contract_programmes cp ON cp.contract_id = c.id AND cp.programme_id = pr.id
             WHERE c.commissioner_id = b.commissioner_id AND c.starts_on <= t.starts_on AND c.ends_on >= t.ends_on
             ORDER BY c.starts_on DESC LIMIT 1) c ON true`,
    [r.participantId, r.programmeId, r.termId, r.budgetId],
  );
  return facts;
}

/**
 * With the programme-term's row locked: when a place is free, one statement commits the price against
 * the budget (only if the money is there), takes the place on the programme-term and on each of its
 * sessions, and inserts the registration; otherwise it joins the waitlist, committing nothing. Keeping
 * the work under the lock to few round trips keeps waiting short when many register at once.
 */
export async function placeRegistration(
  em: Sql,
  r: RegistrationRequest & { contractId: string; pricePence: number; registeredOn: string; createdBy: string },
): Promise<Registration> {
  const count = await lockProgrammeTerm(em, r.programmeId, r.termId);
  // A free place goes to someone already waiting who can now pay before it goes to a newcomer.
  const promoted = count.registered < count.places ? await promoteFromWaitlist(em, r.programmeId, r.termId) : [];
  const hasPlace = count.registered + promoted.length < count.places;
  const values = [r.participantId, r.programmeId, r.termId, r.budgetId, r.contractId, r.pricePence, r.createdBy];
  const [row] = await withConstraints(
    () =>
      em.query(
        hasPlace
          ? `WITH budget AS (
               UPDATE personal_budgets SET committed_pence = committed_pence + $6, updated_at = now()
                WHERE id = $4 AND amount_pence - committed_pence >= $6
                RETURNING id),
             programme_term AS (
               UPDATE programme_terms SET registered = registered + 1
                WHERE programme_id = $2 AND term_id = $3 AND EXISTS (SELECT 1 FROM budget)),
             booked AS (
               UPDATE sessions SET booked = booked + 1
                WHERE programme_id = $2 AND term_id = $3 AND EXISTS (SELECT 1 FROM budget)),
             registration AS (
               INSERT INTO registrations (participant_id, programme_id, term_id, budget_id, contract_id, status,
                                          price_pence, registered_on, committed_pence, created_by)
               SELECT $1, $2, $3, $4, $5, 'registered', $6, $8, $6, $7 WHERE EXISTS (SELECT 1 FROM budget)
               RETURNING *)
             SELECT (SELECT to_jsonb(registration) FROM registration) AS registration, NULL AS waitlist_position,
                    (SELECT amount_pence - committed_pence FROM personal_budgets WHERE id = $4) AS remaining`
          : `WITH registration AS (
               INSERT INTO registrations (participant_id, programme_id, term_id, budget_id, contract_id, status,
                                          price_pence, registered_on, committed_pence, created_by)
               SELECT $1, $2, $3, $4, $5, 'waitlisted', $6, NULL, 0, $7
                WHERE (SELECT amount_pence - committed_pence FROM personal_budgets WHERE id = $4) >= $6
               RETURNING *)
             SELECT (SELECT to_jsonb(registration) FROM registration) AS registration,
                    -- the statement does not see its own insert: those already waiting, plus this one
                    (SELECT count(*) + 1 FROM registrations WHERE programme_id = $2 AND term_id = $3 AND status = 'waitlisted') AS waitlist_position,
                    (SELECT amount_pence - committed_pence FROM personal_budgets WHERE id = $4) AS remaining`,
        hasPlace ? [...values, r.registeredOn] : values,
      ),
    {
      registrations_one_active: () =>
        conflict('already-registered', 'The participant already has an active registration for this programme and term'),
    },
  );
  if (!row.registration) throw insufficientBudget(row.remaining, r.pricePence);
  return registrationFromRow(row.registration, row.waitlist_position);
}

/**
 * Withdraws a registration. A registered one frees its place, which goes in the same transaction to
 * the earliest eligible waitlisted registration. Its money is released unless the term is billable
 * for it: released when the withdrawal takes effect on or before the census date (or it took its
 * place after the census, so it never counted); kept when it counted at the census.
 */
export async function withdrawRegistration(
  em: Sql,
  w: { id: string; programmeId: string; termId: string; reason: string; effectiveOn?: string | null },
): Promise<Registration> {
  await lockProgrammeTerm(em, w.programmeId, w.termId);
  const [r] = await em.query(
    `SELECT r.status, r.committed_pence, r.registered_on, t.starts_on, t.ends_on, t.census_date
       FROM registrations r JOIN terms t ON t.id = r.term_id
      WHERE r.id = $1 FOR UPDATE OF r`,
    [w.id],
  );
  if (r.status === 'withdrawn') throw ruleBroken('already-withdrawn', 'The registration is already withdrawn');
  const effectiveOn = withdrawalEffectiveOn(w.effectiveOn, r);
  // The money stays committed only when the term is billable for this registration: it counted at the census.
  const release = r.committed_pence > 0 && !countsAtCensus({ registeredOn: r.registered_on, withdrawalEffectiveOn: effectiveOn }, r.census_date);
  const [row] = await em.query(
    `WITH withdrawn AS (
       UPDATE registrations
          SET status = 'withdrawn', withdrawn_at = now(), withdrawal_effective_on = $2, withdrawal_reason = $3,
              committed_pence = CASE WHEN $4 THEN 0 ELSE committed_pence END, updated_at = now()
        WHERE id = $1
        RETURNING *),
     released_money AS (
       UPDATE personal_budgets SET committed_pence = committed_pence - $5, updated_at = now()
        WHERE id = (SELECT budget_id FROM withdrawn) AND $4
        RETURNING id),
     released_place AS (
       UPDATE programme_terms SET registered = registered - 1
        WHERE programme_id = $6 AND term_id = $7 AND $8),
     unbooked AS (
       UPDATE sessions SET booked = booked - 1
        WHERE programme_id = $6 AND term_id = $7 AND $8)
     SELECT (SELECT to_jsonb(withdrawn) FROM withdrawn) AS registration`,
    [w.id, effectiveOn, w.reason, release, r.committed_pence, w.programmeId, w.termId, r.status === 'registered'],
  );
  // once the term is over there is nothing left to promote into
  if (r.status === 'registered' && todayInLondon() <= r.ends_on) await promoteFromWaitlist(em, w.programmeId, w.termId);
  return registrationFromRow(row.registration, null);
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
