import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { todayInLondon } from '../common/london-calendar.js';
import { notFound } from '../common/problem.js';
import type { HeadcountResponse, UptakeResponse } from './dto/headcount.dto.js';
import { type CensusContract, type CensusRegistration, headcountAtCensus, lateJoinersAtCensus } from './headcount.js';

export interface ProgrammeTermCensus {
  censusDate: string;
  registrations: CensusRegistration[];
  contracts: CensusContract[];
}

@Injectable()
export class HeadcountsService {
  constructor(private readonly dataSource: DataSource) {}

  async headcount(programmeId: string, termId: string): Promise<HeadcountResponse> {
    const census = await this.census(programmeId, termId);
    const headcount = headcountAtCensus(census.censusDate, census.registrations, census.contracts);
    // Frozen once the census has been invoiced: from then on changes reach it only as credit notes and
    // supplementary invoices of later billing runs. (A direct payment's sessions, billed quarter by
    // quarter, and late joiners do not freeze it.)
    const [billed] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM billing_ledger l JOIN document_lines d ON d.document_id = l.document_id AND d.line = l.line
                       WHERE l.programme_id = $1 AND l.term_id = $2 AND d.kind = 'census') AS frozen`,
      [programmeId, termId],
    );
    const names: Array<{ id: string; name: string }> = await this.dataSource.query(`SELECT id, name FROM commissioners WHERE id = ANY($1::uuid[])`, [
      headcount.byCommissioner.map((c) => c.commissionerId),
    ]);
    const nameOf = new Map(names.map((c) => [c.id, c.name])); // every one is there: budgets reference their commissioner
    return {
      programmeId,
      termId,
      censusDate: census.censusDate,
      ...headcount,
      byCommissioner: headcount.byCommissioner.map((c) => ({ ...c, commissionerName: nameOf.get(c.commissionerId)! })),
      lateJoiners: lateJoinersAtCensus(census.censusDate, census.registrations),
      frozen: billed.frozen,
    };
  }

  /** What a coordinator watches before the census: places, take-up, the minimum and the income it implies. */
  async uptake(programmeId: string, termId: string): Promise<UptakeResponse> {
    const census = await this.census(programmeId, termId);
    const today = todayInLondon();
    const soFar = headcountAtCensus(today < census.censusDate ? today : census.censusDate, census.registrations, census.contracts);
    const [counts] = await this.dataSource.query(
      `SELECT programme_term_places(p.id, $2) AS places,
              (SELECT count(*) FROM registrations r WHERE r.programme_id = p.id AND r.term_id = $2 AND r.status = 'registered') AS registered,
              (SELECT count(*) FROM registrations r WHERE r.programme_id = p.id AND r.term_id = $2 AND r.status = 'waitlisted') AS waitlisted
         FROM programmes p WHERE p.id = $1`,
      [programmeId, termId],
    );
    const sessions: Array<{ id: string; date: string; start_time: string; end_time: string; capacity: number; booked: number; available: number }> =
      await this.dataSource.query(
        `SELECT s.id, s.date, s.start_time, s.end_time, s.capacity, s.booked,
                LEAST(s.capacity, COALESCE(pt.places, s.capacity)) - s.booked AS available
           FROM sessions s LEFT JOIN programme_terms pt ON pt.programme_id = s.programme_id AND pt.term_id = s.term_id
          WHERE s.programme_id = $1 AND s.term_id = $2 ORDER BY s.date, s.start_time`,
        [programmeId, termId],
      );
    return {
      programmeId,
      termId,
      censusDate: census.censusDate,
      places: counts.places,
      registered: counts.registered,
      waitlisted: counts.waitlisted,
      headcountSoFar: soFar.count,
      minParticipants: soFar.minParticipants,
      belowMinimum: soFar.belowMinimum,
      projectedIncomePence: soFar.byCommissioner.reduce((sum, c) => sum + c.incomePence, 0),
      sessions: sessions.map((s) => ({
        id: s.id,
        date: s.date,
        startTime: s.start_time.slice(0, 5),
        endTime: s.end_time.slice(0, 5),
        capacity: s.capacity,
        booked: s.booked,
        available: Math.max(0, s.available),
      })),
    };
  }

  /**
   * The facts the census rule needs for one programme-term: every registration that ever took a place,
   * with its budget, and the contracts that price it or cover the programme for the term.
   */
  async census(programmeId: string, termId: string, em: EntityManager = this.dataSource.manager): Promise<ProgrammeTermCensus> {
    const [found] = await em.query(`SELECT EXISTS (SELECT 1 FROM programmes WHERE id = $1) AS programme_exists`, [programmeId]);
    if (!found.programme_exists) throw notFound('programme', programmeId);
    const [term] = await em.query(`SELECT census_date, starts_on, ends_on FROM terms WHERE id = $1`, [termId]);
    if (!term) throw notFound('term', termId);
    const registrations: CensusRegistration[] = await em.query(
      `SELECT r.id AS "registrationId", r.participant_id AS "participantId", r.budget_id AS "budgetId",
              b.reference AS "budgetReference", b.type AS "budgetType", b.commissioner_id AS "commissionerId",
              r.contract_id AS "contractId", r.registered_on AS "registeredOn",
              r.withdrawal_effective_on AS "withdrawalEffectiveOn"
         FROM registrations r JOIN personal_budgets b ON b.id = r.budget_id
        WHERE r.programme_id = $1 AND r.term_id = $2 AND r.registered_on IS NOT NULL
        ORDER BY r.queue_seq`,
      [programmeId, termId],
    );
    const contracts: CensusContract[] = await em.query(
      `SELECT c.id AS "contractId", c.commissioner_id AS "commissionerId",
              (SELECT price_per_term_pence FROM contract_period_on(c.id, $3)) AS "pricePerTermPence",
              c.min_participants AS "minParticipants"
         FROM contracts c
        WHERE c.id IN (SELECT contract_id FROM registrations WHERE programme_id = $1 AND term_id = $2)
           OR (c.starts_on <= $3 AND c.ends_on >= $4
               AND EXISTS (SELECT 1 FROM contract_programmes cp WHERE cp.contract_id = c.id AND cp.programme_id = $1))`,
      [programmeId, termId, term.starts_on, term.ends_on],
    );
    return { censusDate: term.census_date, registrations, contracts };
  }
}
