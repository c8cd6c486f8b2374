import { todayInLondon } from '../common/london-calendar.js';
import { one, rows } from '../database/database.repository.js';
import { bind, type Queryable, raw, sql } from '../database/sql.js';
import { ERASED_TEXT, ERASURE_PLAN, ERASURE_WITHDRAWAL_REASON, erasedSql } from '../data-protection/anonymisation.js';
import { waitlistPromotedNotifications, writeWaitlistPromotedNotifications } from '../notifications/notification.repository.js';
import { Registration } from './registration.entity.js';

/*
 * The SQL of registrations: the calls into the database functions that register, withdraw and promote
 * (register_participant: migrations/1764550000000-RegisterParticipant.ts, which holds the registration
 * rules; place_registration, withdraw_registration, promote_from_waitlist:
 * migrations/1764320000000-RegistrationLockOrder.ts, which hold the lock order),
 * and erasure's part. Each writes in one statement (atomic on its own). Lists and reads by id go through
 * the Registration entity (RegistrationsService). This is also the seam the registrations benchmark
 * measures its baseline through (test/bench/registrations), with a `pg` shim as `db`.
 */

export interface RegistrationRequest {
  participantId: string;
  programmeId: string;
  termId: string;
  budgetId: string;
  /** The date the place is taken (a correction's registeredOn; default today): prices a late joiner. */
  registeredOn?: string | null;
}

/** A registration as PostgreSQL's to_jsonb writes its row (snake_case, timestamps as text). */
interface RegistrationJson {
  id: string;
  participant_id: string;
  programme_id: string;
  term_id: string;
  budget_id: string;
  contract_id: string;
  status: Registration['status'];
  price_pence: number;
  queue_seq: number | string;
  registered_on: string | null;
  committed_pence: number;
  withdrawn_at: string | null;
  withdrawal_effective_on: string | null;
  withdrawal_reason: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** The one mapper of a registration row that a database function answers (to_jsonb) to the entity. */
function toRegistration(row: RegistrationJson, waitlistPosition: number | null): Registration {
  return Object.assign(new Registration(), {
    id: row.id,
    participantId: row.participant_id,
    programmeId: row.programme_id,
    termId: row.term_id,
    budgetId: row.budget_id,
    contractId: row.contract_id,
    status: row.status,
    pricePence: row.price_pence,
    queueSeq: Number(row.queue_seq),
    registeredOn: row.registered_on ?? null,
    committedPence: row.committed_pence,
    withdrawnAt: row.withdrawn_at ? new Date(row.withdrawn_at) : null,
    withdrawalEffectiveOn: row.withdrawal_effective_on ?? null,
    withdrawalReason: row.withdrawal_reason ?? null,
    createdBy: row.created_by ?? null,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    waitlistPosition: waitlistPosition === null ? null : Number(waitlistPosition),
  });
}

/** The first rule a registration breaks (register_participant's refusal codes, in the order it checks them). */
export type RegistrationRefusal =
  | 'unknown-participant'
  | 'unknown-programme'
  | 'unknown-term'
  | 'unknown-budget'
  | 'participant-erased'
  | 'age-out-of-range'
  | 'budget-not-participants'
  | 'budget-not-valid-for-term'
  | 'no-contract-covers-programme'
  | 'insufficient-budget'
  | 'term-ended'
  | 'registered-on-in-future'
  | 'registered-on-after-term';

/** The values a refusal is worded with (which ones depends on the refusal: see register_participant). */
export interface RefusalFacts {
  age?: number;
  minAge?: number;
  maxAge?: number;
  startsOn?: string;
  endsOn?: string;
  validFrom?: string;
  validTo?: string;
  remainingPence?: number;
  pricePence?: number;
}

/** What registering did: a registration (registered or waitlisted), or the first rule it broke. */
export type RegistrationOutcome =
  | { placed: true; registration: Registration }
  | { placed: false; refusal: RegistrationRefusal; facts: RefusalFacts };

/**
 * Registers a participant in one statement (the database function register_participant,
 * migrations/1764550000000-RegisterParticipant.ts, the one definition of the registration rules): the
 * first rule the request breaks, in the order it checks them, or else the registration placed by
 * place_registration: with the programme and programme-term locked, then the participant (the lock order
 * of migrations/1764320000000-RegistrationLockOrder.ts), an erased participant is refused (an erasure may
 * have committed since the rules were checked: the constraint registrations_participant_not_erased); a
 * free place goes first to someone already waiting who can now pay (not once the term has ended); then,
 * if a place is still free, its price (place_price: the contract period's price on the term's first
 * day, or a late joiner's pro rata) is fixed and committed against the budget (only if the money is
 * there), the place taken on the programme-term and on each of its sessions, and the registration
 * inserted as registered; otherwise it joins the waitlist, committing nothing. One active registration
 * per participant, programme and term: registrations_one_active. `createdBy` is the user registering.
 */
export async function registerParticipant(db: Queryable, r: RegistrationRequest, createdBy: string): Promise<RegistrationOutcome> {
  const row = await one<{ refusal: RegistrationRefusal | null; facts: RefusalFacts | null; registration: RegistrationJson | null; waitlist_position: number | null }>(
    db,
    sql`SELECT refusal, facts, registration, waitlist_position
          FROM register_participant(${r.participantId}, ${r.programmeId}, ${r.termId}, ${r.budgetId},
                                    ${r.registeredOn ?? null}, ${createdBy}, ${todayInLondon()})`,
  );
  if (row!.refusal) return { placed: false, refusal: row!.refusal, facts: row!.facts ?? {} };
  return { placed: true, registration: toRegistration(row!.registration!, row!.waitlist_position) };
}

/** The dates of a registration's term, if there is such a registration. */
export async function termOfRegistration(db: Queryable, id: string): Promise<{ startsOn: string; endsOn: string } | undefined> {
  const row = await one<{ starts_on: string; ends_on: string }>(
    db,
    sql`SELECT t.starts_on, t.ends_on FROM registrations r JOIN terms t ON t.id = r.term_id WHERE r.id = ${id}`,
  );
  return row && { startsOn: row.starts_on, endsOn: row.ends_on };
}

/** Who the place a withdrawal freed went to, in the same transaction (the earliest one, if it filled more than one). */
export interface PromotedRegistration {
  registrationId: string;
  participantId: string;
}

export type WithdrawalOutcome =
  | { outcome: 'not-found' }
  | { outcome: 'already-withdrawn' }
  | { outcome: 'withdrawn'; registration: Registration; promoted: PromotedRegistration | null; notified: string[] };

/**
 * Withdraws a registration effective `effectiveOn`, in one statement (the database function
 * withdraw_registration). A registered one frees its place, which goes at once to the earliest eligible
 * waitlisted registration (unless the term is over). The reason of an erased participant's withdrawal
 * is not kept (stored as '[erased]'). What stays committed is what the place will still be billed
 * (place_billable_pence): a place billed per term keeps its price when it counted at the census (or, a
 * late joiner, was withdrawn after the day it took its place) and releases it otherwise; a direct
 * payment's place keeps the price of the sessions it still covers.
 *
 * The promoted family's `waitlist_promoted` emails are written by the same statement (answered as
 * `notified`, to be queued after it), so the programme-term's lock is held for one round trip only.
 * (The INSERT reads the promoted registration as it was before the statement; it needs only its
 * participant, programme and term, which the withdrawal does not change.)
 */
export async function withdrawRegistration(
  db: Queryable,
  w: { id: string; effectiveOn: string; reason: string },
): Promise<WithdrawalOutcome> {
  const promoted = sql`SELECT (promoted->>'registrationId')::uuid AS id FROM withdrawal WHERE promoted IS NOT NULL`;
  const row = await one<{ outcome: string; registration: RegistrationJson; promoted: PromotedRegistration | null; notified: string[] }>(
    db,
    sql`WITH withdrawal AS MATERIALIZED (
              SELECT outcome, registration, promoted FROM withdraw_registration(${w.id}, ${w.effectiveOn}, ${w.reason}, ${todayInLondon()})),
            notified AS (${waitlistPromotedNotifications(promoted)})
        SELECT outcome, registration, promoted, ARRAY(SELECT id FROM notified) AS notified FROM withdrawal`,
  );
  if (row!.outcome === 'not-found') return { outcome: 'not-found' };
  if (row!.outcome === 'already-withdrawn') return { outcome: 'already-withdrawn' };
  return { outcome: 'withdrawn', registration: toRegistration(row!.registration, null), promoted: row!.promoted ?? null, notified: row!.notified };
}

/**
 * The waitlist is first come, first served: a freed place goes, in the same transaction, to the
 * earliest waitlisted registration whose budget can still pay; one whose budget no longer suffices is
 * passed over and stays waitlisted. Positions are derived (1..n by queue order), so they have no gaps.
 *
 * The work is the database function promote_from_waitlist: one registration at a time, while places are
 * free, it picks the earliest one that can pay, locks its participant, the registration and its budget
 * (in the lock order), commits the price, and takes the place on the programme-term and its sessions. It
 * never promotes an erased participant, nor into a term that has ended. Call it with the programme-term
 * row locked (lockProgrammeTerm). Returns how many were promoted; their families are told by email
 * (waitlist_promoted, written here in the same transaction).
 */
export async function promoteFromWaitlist(db: Queryable, programmeId: string, termId: string): Promise<number> {
  // who waits now (stable: the caller holds the programme-term's lock), to tell the families of those promoted
  const waiting = await rows<{ id: string }>(
    db,
    sql`SELECT id FROM registrations WHERE programme_id = ${programmeId} AND term_id = ${termId} AND status = 'waitlisted'`,
  );
  const row = await one<{ promoted: number }>(db, sql`SELECT promote_from_waitlist(${programmeId}, ${termId}, ${todayInLondon()}) AS promoted`);
  // waitlist_promoted emails in the same transaction (sent once the outbox sweeper finds them)
  if (row!.promoted > 0) await writeWaitlistPromotedNotifications(db, waiting.map((r) => r.id));
  return row!.promoted;
}

export interface ErasedRegistrations {
  /** Waitlisted registrations withdrawn because the participant was erased. */
  withdrawnFromWaitlist: number;
  /** Withdrawal reasons replaced by ERASED_TEXT. */
  reasonsErased: number;
}

/**
 * Erasure's part of a participant's registrations, called with the participant row locked FOR UPDATE
 * (step 3a of the lock order; erasure takes no programme or programme_terms lock). In one statement:
 * - every waitlisted registration is withdrawn, effective today moved into its term, with a neutral
 *   reason: it holds no money and no place, so nothing is released and no count changes, and it can
 *   never be promoted;
 * - every withdrawal reason already given (free text, e.g. "hospital admission") is replaced by
 *   ERASED_TEXT (ERASURE_PLAN.registrations).
 * Registered and withdrawn registrations otherwise stay as they are (financial records).
 *
 * One statement on purpose: a row updated twice in one transaction has its foreign keys checked again,
 * which would key-share-lock its programme_terms row while holding the participant — against the order.
 */
export async function eraseRegistrationsOf(db: Queryable, participantId: string, today: string): Promise<ErasedRegistrations> {
  const reason = raw(erasedSql('r.withdrawal_reason', ERASURE_PLAN.registrations.withdrawal_reason));
  const byErasure = bind(ERASURE_WITHDRAWAL_REASON);
  const erased = bind(ERASED_TEXT);
  const row = await one<{ withdrawn_from_waitlist: number; reasons_erased: number }>(
    db,
    sql`WITH changed AS (
          UPDATE registrations r
             SET status = CASE WHEN r.status = 'waitlisted' THEN 'withdrawn' ELSE r.status END,
                 withdrawn_at = CASE WHEN r.status = 'waitlisted' THEN now() ELSE r.withdrawn_at END,
                 withdrawal_effective_on = CASE WHEN r.status = 'waitlisted' THEN LEAST(GREATEST(${today}::date, t.starts_on), t.ends_on)
                                                ELSE r.withdrawal_effective_on END,
                 withdrawal_reason = CASE WHEN r.status = 'waitlisted' THEN ${byErasure} ELSE ${reason} END,
                 updated_at = now()
            FROM terms t
           WHERE t.id = r.term_id AND r.participant_id = ${participantId}
             AND (r.status = 'waitlisted' OR r.withdrawal_reason NOT IN (${byErasure}, ${erased}))
          RETURNING r.withdrawal_reason)
        SELECT count(*) FILTER (WHERE withdrawal_reason = ${byErasure})::int AS withdrawn_from_waitlist,
               count(*) FILTER (WHERE withdrawal_reason = ${erased})::int AS reasons_erased
          FROM changed`,
  );
  return { withdrawnFromWaitlist: row!.withdrawn_from_waitlist, reasonsErased: row!.reasons_erased };
}
