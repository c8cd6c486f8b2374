import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { todayInLondon } from '../common/london-calendar.js';
import { notFound } from '../common/problem.js';
import { AppConfig } from '../config/app-config.js';
import { headcountAtCensus, lateJoinersAtCensus } from '../headcounts/headcount.js';
import { OutcomeRepository } from '../outcomes/outcome.repository.js';
import type { MonitoringReturnResponse, ReturnProgrammeResponse } from './dto/monitoring-return.dto.js';
import { monitoringReturnCsv, renderMonitoringReturnPdf } from './monitoring-return-documents.js';
import { MonitoringReturnRepository, type ReturnTerm } from './monitoring-return.repository.js';
import { attendanceRate } from '../attendance-evidence/attendance-summary.js';
import { equalityBreakdown, outcomeTable, SUPPRESSION_NOTE } from './monitoring-return.js';
import { suppressCount } from './suppression.js';

/** Termly monitoring returns per commissioner: counts only, small numbers suppressed (rule 17). */
@Injectable()
export class MonitoringReturnsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async build(commissionerId: string, termId: string): Promise<MonitoringReturnResponse> {
    // one snapshot: every figure of the return as at the same moment
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const commissioner = await MonitoringReturnRepository.commissioner(em, commissionerId);
      if (!commissioner) throw notFound('commissioner', commissionerId);
      const term = await MonitoringReturnRepository.term(em, termId);
      if (!term) throw notFound('term', termId);
      const today = todayInLondon();
      const programmes: ReturnProgrammeResponse[] = [];
      for (const p of await MonitoringReturnRepository.programmes(em, commissionerId, term)) {
        programmes.push(await this.programme(em, commissionerId, p, term, today));
      }
      return {
        provider: this.config.provider.name,
        commissionerId,
        commissionerName: commissioner.name,
        termId,
        termName: term.name,
        periodStart: term.startsOn,
        periodEnd: term.endsOn,
        censusDate: term.censusDate,
        producedOn: today,
        programmes,
        suppressionNote: SUPPRESSION_NOTE,
        notes: [
          'Young people are counted at the census date (the census rule of the contract); equality figures and outcomes are those of the young people counted.',
          'Referrals are those from this council to the programme dated within the term.',
        ],
      };
    });
  }

  private async programme(
    em: EntityManager,
    commissionerId: string,
    programme: { id: string; name: string },
    term: ReturnTerm,
    today: string,
  ): Promise<ReturnProgrammeResponse> {
    const referrals = await MonitoringReturnRepository.referrals(em, commissionerId, programme.id, term);
    const census = await MonitoringReturnRepository.census(em, commissionerId, programme.id, term);
    const headcount = headcountAtCensus(census.registrations, census.contracts);
    const counted = [...new Set(census.registrations.filter((r) => r.countsAtCensus).map((r) => r.participantId))];
    const sessions = await MonitoringReturnRepository.sessions(em, programme.id, term.id, today);
    const marks = await MonitoringReturnRepository.attendance(em, programme.id, term.id, counted, today);
    const outcomes = outcomeTable(await OutcomeRepository.countsFor(em, programme.id, term.id, counted));
    const people = await MonitoringReturnRepository.equality(em, counted);
    const censusShown = suppressCount(headcount.count);
    return {
      programmeId: programme.id,
      programmeName: programme.name,
      referrals: { received: suppressCount(referrals.received), accepted: suppressCount(referrals.accepted) },
      headcount: {
        census: censusShown,
        minimum: headcount.minParticipants,
        belowMinimum: typeof censusShown === 'number' ? headcount.belowMinimum : null,
        lateJoiners: suppressCount(lateJoinersAtCensus(census.registrations)),
      },
      sessions,
      attendanceRate: attendanceRate(marks.attended, marks.marked),
      outcomes: outcomes.rows,
      outcomesTotal: outcomes.total,
      equality: equalityBreakdown(people),
    };
  }

  csv(r: MonitoringReturnResponse): { filename: string; content: string } {
    return { filename: this.filename(r, 'csv'), content: monitoringReturnCsv(r) };
  }

  async pdf(r: MonitoringReturnResponse): Promise<{ filename: string; content: Buffer }> {
    return { filename: this.filename(r, 'pdf'), content: await renderMonitoringReturnPdf(r, this.config.provider) };
  }

  private filename(r: MonitoringReturnResponse, ext: string): string {
    return `monitoring-return-${r.commissionerName}-${r.termName}.${ext}`.replace(/[^A-Za-z0-9._-]/g, '_');
  }
}
