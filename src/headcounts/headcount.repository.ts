import { one, rows } from '../database/database.repository.js';
import { type Queryable, sql } from '../database/sql.js';
import type { CensusContract, CensusRegistration } from './headcount.js';

/*
 * The SQL of headcounts: the census facts of a programme-term, with the census rule applied by its one
 * definition, the SQL function counts_at_census (migrations/1764210000000-RegistrationStatements.ts;
 * test/census-rule.e2e-spec.ts), late joiners by late_joiner and place_billable (migrations/1764540000000,
 * 1764400000000; same test file), and what the uptake view shows.
 */

export interface TermDates {
  censusDate: string;
  startsOn: string;
  endsOn: string;
}

export async function programmeExists(db: Queryable, id: string): Promise<boolean> {
  return (await one(db, sql`SELECT 1 FROM programmes WHERE id = ${id}`)) !== undefined;
}

export async function termDates(db: Queryable, id: string): Promise<TermDates | undefined> {
  const row = await one<{ census_date: string; starts_on: string; ends_on: string }>(
    db,
    sql`SELECT census_date, starts_on, ends_on FROM terms WHERE id = ${id}`,
  );
  return row && { censusDate: row.census_date, startsOn: row.starts_on, endsOn: row.ends_on };
}

interface CensusRegistrationRow {
  registration_id: string;
  participant_id: string;
  budget_id: string;
  budget_reference: string;
  budget_type: CensusRegistration['budgetType'];
  commissioner_id: string;
  contract_id: string;
  registered_on: string | null;
  withdrawal_effective_on: string | null;
  counts_at_census: boolean;
  billable_late_joiner: boolean;
}

const toCensusRegistration = (r: CensusRegistrationRow): CensusRegistration => ({
  registrationId: r.registration_id,
  participantId: r.participant_id,
  budgetId: r.budget_id,
  budgetReference: r.budget_reference,
  budgetType: r.budget_type,
  commissionerId: r.commissioner_id,
  contractId: r.contract_id,
  registeredOn: r.registered_on,
  withdrawalEffectiveOn: r.withdrawal_effective_on,
  countsAtCensus: r.counts_at_census,
  billableLateJoiner: r.billable_late_joiner,
});

/**
 * Every registration of the programme-term that ever took a place, with its budget, in queue order, and
 * whether it counts by the census rule (counts_at_census) at `asOf`, and whether it is a late joiner
 * (late_joiner) whose place is still billable (place_billable), both at the term's census date.
 */
export async function censusRegistrations(db: Queryable, programmeId: string, termId: string, asOf: string): Promise<CensusRegistration[]> {
  const found = await rows<CensusRegistrationRow>(
    db,
    sql`SELECT r.id AS registration_id, r.participant_id, r.budget_id, b.reference AS budget_reference, b.type AS budget_type,
               b.commissioner_id, r.contract_id, r.registered_on, r.withdrawal_effective_on,
               counts_at_census(r.registered_on, r.withdrawal_effective_on, ${asOf}::date) AS counts_at_census,
               late_joiner(r.registered_on, t.census_date)
                 AND place_billable(r.registered_on, r.withdrawal_effective_on, t.census_date) AS billable_late_joiner
          FROM registrations r JOIN personal_budgets b ON b.id = r.budget_id JOIN terms t ON t.id = r.term_id
         WHERE r.programme_id = ${programmeId} AND r.term_id = ${termId} AND r.registered_on IS NOT NULL
         ORDER BY r.queue_seq`,
  );
  return found.map(toCensusRegistration);
}

/** The contracts that price the programme-term's registrations or cover the programme for the whole term. */
export async function censusContracts(db: Queryable, programmeId: string, termId: string, term: TermDates): Promise<CensusContract[]> {
  const found = await rows<{ contract_id: string; commissioner_id: string; price_per_term_pence: number; min_participants: number | null }>(
    db,
    sql`SELECT c.id AS contract_id, c.commissioner_id,
               (SELECT price_per_term_pence FROM contract_period_on(c.id, ${term.startsOn})) AS price_per_term_pence,
               c.min_participants
          FROM contracts c
         WHERE c.id IN (SELECT contract_id FROM registrations WHERE programme_id = ${programmeId} AND term_id = ${termId})
            OR (c.starts_on <= ${term.startsOn} AND c.ends_on >= ${term.endsOn}
                AND EXISTS (SELECT 1 FROM contract_programmes cp WHERE cp.contract_id = c.id AND cp.programme_id = ${programmeId}))`,
  );
  return found.map((r) => ({
    contractId: r.contract_id,
    commissionerId: r.commissioner_id,
    pricePerTermPence: r.price_per_term_pence,
    minParticipants: r.min_participants,
  }));
}

/** Whether the programme-term's census has been invoiced (its headcount is frozen from then on). */
export async function censusInvoiced(db: Queryable, programmeId: string, termId: string): Promise<boolean> {
  const row = await one<{ frozen: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM billing_ledger l JOIN document_lines d ON d.document_id = l.document_id AND d.line = l.line
                        WHERE l.programme_id = ${programmeId} AND l.term_id = ${termId} AND d.kind = 'census') AS frozen`,
  );
  return row!.frozen;
}

export interface UptakeCounts {
  places: number;
  registered: number;
  waitlisted: number;
}

export async function uptakeCounts(db: Queryable, programmeId: string, termId: string): Promise<UptakeCounts> {
  const term = sql`${termId}`;
  const row = await one<{ places: number; registered: number; waitlisted: number }>(
    db,
    sql`SELECT programme_term_places(p.id, ${term}) AS places,
               (SELECT count(*) FROM registrations r WHERE r.programme_id = p.id AND r.term_id = ${term} AND r.status = 'registered') AS registered,
               (SELECT count(*) FROM registrations r WHERE r.programme_id = p.id AND r.term_id = ${term} AND r.status = 'waitlisted') AS waitlisted
          FROM programmes p WHERE p.id = ${programmeId}`,
  );
  return { places: row!.places, registered: row!.registered, waitlisted: row!.waitlisted };
}

export interface SessionAvailability {
  id: string;
  date: string;
  startTime: string;
  endTime: string;
  capacity: number;
  booked: number;
  /** Places left on the session: its capacity and the programme-term's places, less what is booked. */
  available: number;
}

export async function sessionAvailability(db: Queryable, programmeId: string, termId: string): Promise<SessionAvailability[]> {
  const found = await rows<{ id: string; date: string; start_time: string; end_time: string; capacity: number; booked: number; available: number }>(
    db,
    sql`SELECT s.id, s.date, s.start_time, s.end_time, s.capacity, s.booked,
               LEAST(s.capacity, COALESCE(pt.places, s.capacity)) - s.booked AS available
          FROM sessions s LEFT JOIN programme_terms pt ON pt.programme_id = s.programme_id AND pt.term_id = s.term_id
         WHERE s.programme_id = ${programmeId} AND s.term_id = ${termId} ORDER BY s.date, s.start_time`,
  );
  return found.map((s) => ({
    id: s.id,
    date: s.date,
    startTime: s.start_time,
    endTime: s.end_time,
    capacity: s.capacity,
    booked: s.booked,
    available: s.available,
  }));
}
