import type { Sql } from '../database/sql.js';
import type { CensusContract, CensusRegistration } from '../headcounts/headcount.js';

export interface ReturnTerm {
  id: string;
  name: string;
  starts_on: string;
  ends_on: string;
  census_date: string;
}

export interface ProgrammeRef {
  id: string;
  name: string;
}

export interface CountedParticipant {
  id: string;
  gender: string | null;
  ethnicity: string | null;
  disability_categories: string[] | null;
  postcode_district: string | null;
}

/** SQL of monitoring returns: counts only, never names or notes. */
export const MonitoringReturnRepository = {
  async commissioner(sql: Sql, id: string): Promise<{ id: string; name: string; code: string } | null> {
    const [row] = await sql.query(`SELECT id, name, code FROM commissioners WHERE id = $1`, [id]);
    return row ?? null;
  },

  async term(sql: Sql, id: string): Promise<ReturnTerm | null> {
    const [row] = await sql.query(`SELECT id, name, starts_on, ends_on, census_date FROM terms WHERE id = $1`, [id]);
    return row ?? null;
  },

  /** The programmes the commissioner contracts for the term, or funds a place on in it, or was referred to in it. */
  async programmes(sql: Sql, commissionerId: string, term: ReturnTerm): Promise<ProgrammeRef[]> {
    return sql.query(
      `SELECT p.id, p.name FROM programmes p
        WHERE EXISTS (SELECT 1 FROM contracts c JOIN contract_programmes cp ON cp.contract_id = c.id
                       WHERE cp.programme_id = p.id AND c.commissioner_id = $1 AND c.starts_on <= $4 AND c.ends_on >= $3)
           OR EXISTS (SELECT 1 FROM registrations r JOIN personal_budgets b ON b.id = r.budget_id
                       WHERE r.programme_id = p.id AND r.term_id = $2 AND b.commissioner_id = $1 AND r.registered_on IS NOT NULL)
           OR EXISTS (SELECT 1 FROM referrals f WHERE f.programme_id = p.id AND f.commissioner_id = $1 AND f.referred_on BETWEEN $3 AND $4)
        ORDER BY p.name, p.id`,
      [commissionerId, term.id, term.starts_on, term.ends_on],
    );
  },

  async referrals(sql: Sql, commissionerId: string, programmeId: string, term: ReturnTerm): Promise<{ received: number; accepted: number }> {
    const [row] = await sql.query(
      `SELECT count(*)::int AS received, count(*) FILTER (WHERE status = 'accepted')::int AS accepted
         FROM referrals WHERE commissioner_id = $1 AND programme_id = $2 AND referred_on BETWEEN $3 AND $4`,
      [commissionerId, programmeId, term.starts_on, term.ends_on],
    );
    return row;
  },

  /** The commissioner's places on the programme-term (as the census rule reads them) and its contracts' minimums. */
  async census(sql: Sql, commissionerId: string, programmeId: string, term: ReturnTerm): Promise<{ registrations: CensusRegistration[]; contracts: CensusContract[] }> {
    const registrations: CensusRegistration[] = await sql.query(
      `SELECT r.id AS "registrationId", r.participant_id AS "participantId", r.budget_id AS "budgetId", b.reference AS "budgetReference",
              b.type AS "budgetType", b.commissioner_id AS "commissionerId", r.contract_id AS "contractId", r.registered_on AS "registeredOn",
              r.withdrawal_effective_on AS "withdrawalEffectiveOn"
         FROM registrations r JOIN personal_budgets b ON b.id = r.budget_id
        WHERE r.programme_id = $2 AND r.term_id = $3 AND b.commissioner_id = $1 AND r.registered_on IS NOT NULL
        ORDER BY r.queue_seq`,
      [commissionerId, programmeId, term.id],
    );
    const contracts: CensusContract[] = await sql.query(
      `SELECT c.id AS "contractId", c.commissioner_id AS "commissionerId",
              coalesce((SELECT price_per_term_pence FROM contract_period_on(c.id, $3)), 0) AS "pricePerTermPence", c.min_participants AS "minParticipants"
         FROM contracts c JOIN contract_programmes cp ON cp.contract_id = c.id
        WHERE c.commissioner_id = $1 AND cp.programme_id = $2 AND c.starts_on <= $4 AND c.ends_on >= $3`,
      [commissionerId, programmeId, term.starts_on, term.ends_on],
    );
    return { registrations, contracts };
  },

  /**
   * Sessions of the programme-term: planned (all), held (dated up to `today`). TODO(i13-sessions): sessions
   * have no status on this branch yet; once they do, cancelled sessions are counted apart and not held.
   */
  async sessions(sql: Sql, programmeId: string, termId: string, today: string): Promise<{ planned: number; held: number; cancelled: number }> {
    const [row] = await sql.query(
      `SELECT count(*)::int AS planned, count(*) FILTER (WHERE date <= $3)::int AS held, 0 AS cancelled
         FROM sessions WHERE programme_id = $1 AND term_id = $2`,
      [programmeId, termId, today],
    );
    return row;
  },

  /** Attendance marks of the given participants on the programme-term's sessions held up to `today`. */
  async attendance(sql: Sql, programmeId: string, termId: string, participantIds: string[], today: string): Promise<{ attended: number; marked: number }> {
    const [row] = await sql.query(
      `SELECT count(*) FILTER (WHERE a.status IN ('present', 'late'))::int AS attended, count(*)::int AS marked
         FROM attendance a JOIN sessions s ON s.id = a.session_id
        WHERE s.programme_id = $1 AND s.term_id = $2 AND s.date <= $4 AND a.participant_id = ANY($3::uuid[])`,
      [programmeId, termId, participantIds, today],
    );
    return row;
  },

  async equality(sql: Sql, participantIds: string[]): Promise<CountedParticipant[]> {
    return sql.query(
      `SELECT id, gender, ethnicity, disability_categories, postcode_district FROM participants WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [participantIds],
    );
  },
};
