import { one, rows } from '../database/database.repository.js';
import { bind, type Queryable, sql } from '../database/sql.js';
import type { CensusContract, CensusRegistration } from '../headcounts/headcount.js';
import { censusRegistrations } from '../headcounts/headcount.repository.js';

/*
 * The SQL of monitoring returns: counts only, never names or notes. The census rule is applied by its one
 * definition, counts_at_census (as headcount.repository.ts does), to the commissioner's places.
 */

export interface ReturnTerm {
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
  censusDate: string;
}

interface ReturnTermRow {
  id: string;
  name: string;
  starts_on: string;
  ends_on: string;
  census_date: string;
}

const toReturnTerm = (r: ReturnTermRow): ReturnTerm => ({ id: r.id, name: r.name, startsOn: r.starts_on, endsOn: r.ends_on, censusDate: r.census_date });

export interface ProgrammeRef {
  id: string;
  name: string;
}

/** A young person counted in a return: their equality monitoring only (no name). */
export interface CountedParticipant {
  id: string;
  gender: string | null;
  ethnicity: string | null;
  disabilityCategories: string[] | null;
  postcodeDistrict: string | null;
}

interface CountedParticipantRow {
  id: string;
  gender: string | null;
  ethnicity: string | null;
  disability_categories: string[] | null;
  postcode_district: string | null;
}

const toCountedParticipant = (r: CountedParticipantRow): CountedParticipant => ({
  id: r.id,
  gender: r.gender,
  ethnicity: r.ethnicity,
  disabilityCategories: r.disability_categories,
  postcodeDistrict: r.postcode_district,
});

interface CensusContractRow {
  contract_id: string;
  commissioner_id: string;
  price_per_term_pence: number;
  min_participants: number | null;
}

const toCensusContract = (r: CensusContractRow): CensusContract => ({
  contractId: r.contract_id,
  commissionerId: r.commissioner_id,
  pricePerTermPence: r.price_per_term_pence,
  minParticipants: r.min_participants,
});

export interface SessionCounts {
  planned: number;
  held: number;
  cancelled: number;
}

/** SQL of monitoring returns: counts only, never names or notes. */
export const MonitoringReturnRepository = {
  async commissioner(db: Queryable, id: string): Promise<{ id: string; name: string; code: string } | undefined> {
    return one<{ id: string; name: string; code: string }>(db, sql`SELECT id, name, code FROM commissioners WHERE id = ${id}`);
  },

  async term(db: Queryable, id: string): Promise<ReturnTerm | undefined> {
    const row = await one<ReturnTermRow>(db, sql`SELECT id, name, starts_on, ends_on, census_date FROM terms WHERE id = ${id}`);
    return row && toReturnTerm(row);
  },

  /** The programmes the commissioner contracts for the term, or funds a place on in it, or was referred to in it. */
  async programmes(db: Queryable, commissionerId: string, term: ReturnTerm): Promise<ProgrammeRef[]> {
    const commissioner = bind(commissionerId);
    const [startsOn, endsOn] = [bind(term.startsOn), bind(term.endsOn)];
    return rows<ProgrammeRef>(
      db,
      sql`SELECT p.id, p.name FROM programmes p
           WHERE EXISTS (SELECT 1 FROM contracts c JOIN contract_programmes cp ON cp.contract_id = c.id
                          WHERE cp.programme_id = p.id AND c.commissioner_id = ${commissioner} AND c.starts_on <= ${endsOn} AND c.ends_on >= ${startsOn})
              OR EXISTS (SELECT 1 FROM registrations r JOIN personal_budgets b ON b.id = r.budget_id
                          WHERE r.programme_id = p.id AND r.term_id = ${term.id} AND b.commissioner_id = ${commissioner} AND r.registered_on IS NOT NULL)
              OR EXISTS (SELECT 1 FROM referrals f WHERE f.programme_id = p.id AND f.commissioner_id = ${commissioner}
                                                      AND f.referred_on BETWEEN ${startsOn} AND ${endsOn})
           ORDER BY p.name, p.id`,
    );
  },

  async referrals(db: Queryable, commissionerId: string, programmeId: string, term: ReturnTerm): Promise<{ received: number; accepted: number }> {
    const row = await one<{ received: number; accepted: number }>(
      db,
      sql`SELECT count(*)::int AS received, count(*) FILTER (WHERE status = 'accepted')::int AS accepted
            FROM referrals
           WHERE commissioner_id = ${commissionerId} AND programme_id = ${programmeId} AND referred_on BETWEEN ${term.startsOn} AND ${term.endsOn}`,
    );
    return row!;
  },

  /**
   * The commissioner's places on the programme-term that ever took one, in queue order, with whether each
   * counts at the census date (counts_at_census), and its contracts covering the term with their minimums.
   */
  async census(
    db: Queryable,
    commissionerId: string,
    programmeId: string,
    term: ReturnTerm,
  ): Promise<{ registrations: CensusRegistration[]; contracts: CensusContract[] }> {
    // the headcount's own reading of the census rule, narrowed to this commissioner's places
    const registrations = (await censusRegistrations(db, programmeId, term.id, term.censusDate)).filter((r) => r.commissionerId === commissionerId);
    const startsOn = bind(term.startsOn);
    const contracts = await rows<CensusContractRow>(
      db,
      sql`SELECT c.id AS contract_id, c.commissioner_id,
                 coalesce((SELECT price_per_term_pence FROM contract_period_on(c.id, ${startsOn})), 0) AS price_per_term_pence, c.min_participants
            FROM contracts c JOIN contract_programmes cp ON cp.contract_id = c.id
           WHERE c.commissioner_id = ${commissionerId} AND cp.programme_id = ${programmeId} AND c.starts_on <= ${term.endsOn} AND c.ends_on >= ${startsOn}`,
    );
    return { registrations, contracts: contracts.map(toCensusContract) };
  },

  /**
   * Sessions of the programme-term: planned (every session of it, those cancelled included), held (scheduled
   * and dated up to `today`), cancelled (status `cancelled`, whenever dated: a cancelled session is never held).
   */
  async sessions(db: Queryable, programmeId: string, termId: string, today: string): Promise<SessionCounts> {
    const row = await one<SessionCounts>(
      db,
      sql`SELECT count(*)::int AS planned,
                 count(*) FILTER (WHERE status = 'scheduled' AND date <= ${today})::int AS held,
                 count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled
            FROM sessions WHERE programme_id = ${programmeId} AND term_id = ${termId}`,
    );
    return row!;
  },

  /** Attendance marks of the given participants on the programme-term's sessions held up to `today` (scheduled ones). */
  async attendance(db: Queryable, programmeId: string, termId: string, participantIds: string[], today: string): Promise<{ attended: number; marked: number }> {
    const row = await one<{ attended: number; marked: number }>(
      db,
      sql`SELECT count(*) FILTER (WHERE a.status IN ('present', 'late'))::int AS attended, count(*)::int AS marked
            FROM attendance a JOIN sessions s ON s.id = a.session_id
           WHERE s.programme_id = ${programmeId} AND s.term_id = ${termId} AND s.status = 'scheduled' AND s.date <= ${today}
             AND a.participant_id = ANY(${participantIds}::uuid[])`,
    );
    return row!;
  },

  async equality(db: Queryable, participantIds: string[]): Promise<CountedParticipant[]> {
    const found = await rows<CountedParticipantRow>(
      db,
      sql`SELECT id, gender, ethnicity, disability_categories, postcode_district FROM participants WHERE id = ANY(${participantIds}::uuid[]) ORDER BY id`,
    );
    return found.map(toCountedParticipant);
  },
};
