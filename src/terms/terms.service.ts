import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { lockQuarter } from '../billing/documents/billing-ledger.repository.js';
import { withConstraints } from '../common/constraints.js';
import { type Page, PageQuery, paginate } from '../common/pagination.js';
import { notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { inTransaction } from '../database/transaction.js';
import { CreateTermDto, TermResponse, UpdateTermDto } from './dto/term.dto.js';
import { assertTermDates, censusQuarters } from './term-dates.js';
import { Term } from './term.entity.js';
import { type TermRecord, TermRepository } from './term.repository.js';
import { ProblemCode } from '../common/problem-codes.js';

const overlapping = (dates: { startsOn: string; endsOn: string }) => () =>
  ruleBroken(ProblemCode.TermOverlap, `The term ${dates.startsOn}..${dates.endsOn} overlaps an existing term`);

/** The term's census moved (by a concurrent correction) between reading it and locking it. */
class CensusMovedMeanwhile extends Error {}

/** How often a correction starts again when another correction of the same term moved its census first. */
const CORRECTION_ATTEMPTS = 5;

@Injectable()
export class TermsService {
  constructor(
    @InjectRepository(Term) private readonly terms: Repository<Term>,
    private readonly dataSource: DataSource,
    private readonly repository: TermRepository,
  ) {}

  /** Terms may not overlap: the exclusion constraint terms_no_overlap decides, even for concurrent requests. */
  async create(dto: CreateTermDto): Promise<TermResponse> {
    assertTermDates(dto);
    const saved = await withConstraints(() => this.terms.save(this.terms.create(dto)), { terms_no_overlap: overlapping(dto) });
    return TermResponse.of(await this.find(saved.id));
  }

  /**
   * Corrects a term (a mistyped name or date). The result obeys the rules of create; and
   * - a billed term's census does not move (422 term-billed): its headcount has been invoiced;
   * - a census move that would change whether a withdrawn registration counted at the census is refused
   *   (422 census-settles-withdrawals): its budget money was kept or released by the old census;
   * - new dates must still hold every session of the term (422 sessions-outside-term) and every
   *   registration: none took its place after the term, none was withdrawn effective outside it
   *   (422 registrations-outside-term).
   *
   * Concurrency: in one transaction, first the advisory locks of the billing quarters of the current and
   * the new census (lockQuarter, in order, as billing runs and credit notes take them), then the
   * programme-terms of the term (steps 1 and 2 of the registrations' lock order), then the term row FOR
   * UPDATE; the checks run after all three. A billing run of either quarter therefore runs wholly
   * before the correction (which then sees the term billed) or wholly after it (and bills the corrected
   * census); so do registrations, withdrawals and new sessions of the term. If another correction moved the
   * census between the first read and the lock, the quarters locked may be the wrong ones: start again.
   */
  async update(id: string, dto: UpdateTermDto): Promise<TermResponse> {
    for (let attempt = 1; ; attempt++) {
      try {
        const term = await inTransaction(this.dataSource, (em) => this.correct(em, id, dto));
        return TermResponse.of(term);
      } catch (error) {
        if (!(error instanceof CensusMovedMeanwhile) || attempt >= CORRECTION_ATTEMPTS) throw error;
      }
    }
  }

  private async correct(em: EntityManager, id: string, dto: UpdateTermDto): Promise<TermRecord> {
    const seen = await this.repository.find(em, id);
    if (!seen) throw notFound('term', id);
    assertTermDates({ ...seen, ...dto });
    for (const quarter of censusQuarters(seen.censusDate, dto.censusDate ?? seen.censusDate)) await lockQuarter(em, quarter);
    await this.repository.lockProgrammeTerms(em, id);
    const current = await this.repository.lock(em, id);
    if (!current) throw notFound('term', id);
    if (current.censusDate !== seen.censusDate) throw new CensusMovedMeanwhile();
    const next = { name: current.name, startsOn: current.startsOn, endsOn: current.endsOn, censusDate: current.censusDate, ...dto };
    assertTermDates(next);

    if (next.censusDate !== current.censusDate) {
      if (await this.repository.isBilled(em, id)) {
        throw ruleBrokenOn(
          ProblemCode.TermBilled,
          'censusDate',
          `the term has been billed on its census of ${current.censusDate}, so its census can no longer move: ` +
            'what was invoiced is corrected by credit notes and supplementary invoices, never by moving the census',
        );
      }
      const settled = await this.repository.withdrawalsSettledDifferently(em, id, current.censusDate, next.censusDate);
      if (settled > 0) {
        throw ruleBrokenOn(
          ProblemCode.CensusSettlesWithdrawals,
          'censusDate',
          `${settled} withdrawn registration(s) of this term had their budget money kept or released by the census of ` +
            `${current.censusDate}; at ${next.censusDate} they would count differently`,
        );
      }
    }
    if (next.startsOn !== current.startsOn || next.endsOn !== current.endsOn) {
      const sessions = await this.repository.sessionsOutside(em, id, next);
      if (sessions.count > 0) {
        const field = sessions.first! < next.startsOn ? 'startsOn' : 'endsOn';
        throw ruleBrokenOn(
          ProblemCode.SessionsOutsideTerm,
          field,
          `${sessions.count} session(s) of this term, dated ${sessions.first} to ${sessions.last}, would fall outside ${next.startsOn}..${next.endsOn}`,
        );
      }
      const registrations = await this.repository.registrationsOutside(em, id, next);
      if (registrations.placedAfter > 0) {
        throw ruleBrokenOn(
          ProblemCode.RegistrationsOutsideTerm,
          'endsOn',
          `${registrations.placedAfter} registration(s) of this term took their place after ${next.endsOn} (the latest on ${registrations.latestPlacedOn})`,
        );
      }
      if (registrations.withdrawnOutside > 0) {
        throw ruleBrokenOn(
          ProblemCode.RegistrationsOutsideTerm,
          next.startsOn > current.startsOn ? 'startsOn' : 'endsOn',
          `${registrations.withdrawnOutside} registration(s) of this term were withdrawn effective outside ${next.startsOn}..${next.endsOn}`,
        );
      }
    }
    return withConstraints(() => this.repository.update(em, id, next), { terms_no_overlap: overlapping(next) });
  }

  list(page: PageQuery): Promise<Page<TermResponse>> {
    return paginate(this.terms.createQueryBuilder('term'), page, TermResponse.of);
  }

  async get(id: string): Promise<TermResponse> {
    return TermResponse.of(await this.find(id));
  }

  async find(id: string): Promise<Term> {
    const term = await this.terms.findOneBy({ id });
    if (!term) throw notFound('term', id);
    return term;
  }
}
