import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { todayInLondon } from '../common/london-calendar.js';
import { notFound } from '../common/problem.js';
import type { HeadcountResponse, UptakeResponse } from './dto/headcount.dto.js';
import { commissionerNames } from '../commissioners/commissioner.repository.js';
import { type CensusContract, type CensusRegistration, headcountAtCensus, lateJoinersAtCensus } from './headcount.js';
import {
  censusContracts,
  censusInvoiced,
  censusRegistrations,
  programmeExists,
  sessionAvailability,
  termDates,
  uptakeCounts,
} from './headcount.repository.js';

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
    const headcount = headcountAtCensus(census.registrations, census.contracts);
    // Frozen once the census has been invoiced: from then on changes reach it only as credit notes and
    // supplementary invoices of later billing runs. (A direct payment's sessions, billed quarter by
    // quarter, and late joiners do not freeze it.)
    const frozen = await censusInvoiced(this.dataSource.manager, programmeId, termId);
    // every one is there: budgets reference their commissioner
    const nameOf = await commissionerNames(this.dataSource.manager, headcount.byCommissioner.map((c) => c.commissionerId));
    return {
      programmeId,
      termId,
      censusDate: census.censusDate,
      ...headcount,
      byCommissioner: headcount.byCommissioner.map((c) => ({ ...c, commissionerName: nameOf.get(c.commissionerId)! })),
      lateJoiners: lateJoinersAtCensus(census.registrations),
      frozen,
    };
  }

  /** What a coordinator watches before the census: places, take-up, the minimum and the income it implies. */
  async uptake(programmeId: string, termId: string): Promise<UptakeResponse> {
    const today = todayInLondon();
    // the headcount so far: as the census would count it were it today (or the census itself, once past)
    const census = await this.census(programmeId, termId, (censusDate) => (today < censusDate ? today : censusDate));
    const soFar = headcountAtCensus(census.registrations, census.contracts);
    const counts = await uptakeCounts(this.dataSource.manager, programmeId, termId);
    const sessions = await sessionAvailability(this.dataSource.manager, programmeId, termId);
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
        startTime: s.startTime.slice(0, 5),
        endTime: s.endTime.slice(0, 5),
        capacity: s.capacity,
        booked: s.booked,
        available: Math.max(0, s.available),
      })),
    };
  }

  /**
   * The facts the census rule needs for one programme-term: every registration that ever took a place,
   * with its budget and whether it counts (at the term's census date, or at the date `countedOn` picks),
   * and the contracts that price it or cover the programme for the term.
   */
  async census(
    programmeId: string,
    termId: string,
    countedOn: (censusDate: string) => string = (censusDate) => censusDate,
    em: EntityManager = this.dataSource.manager,
  ): Promise<ProgrammeTermCensus> {
    if (!(await programmeExists(em, programmeId))) throw notFound('programme', programmeId);
    const term = await termDates(em, termId);
    if (!term) throw notFound('term', termId);
    const registrations = await censusRegistrations(em, programmeId, termId, countedOn(term.censusDate));
    const contracts = await censusContracts(em, programmeId, termId, term);
    return { censusDate: term.censusDate, registrations, contracts };
  }
}
