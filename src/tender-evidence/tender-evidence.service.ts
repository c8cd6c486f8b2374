import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { todayInLondon } from '../common/london-calendar.js';
import { documentStatus } from '../compliance/compliance-rules.js';
import { AppConfig } from '../config/app-config.js';
import { MonitoringReturnRepository } from '../monitoring-returns/monitoring-return.repository.js';
import { equalityBreakdown, outcomeTable, SUPPRESSION_NOTE } from '../monitoring-returns/monitoring-return.js';
import { suppressCount } from '../monitoring-returns/suppression.js';
import type {
  TenderContractResponse,
  TenderCriterionResponse,
  TenderEvidenceResponse,
  TenderStaffDocumentsResponse,
} from './dto/tender-evidence.dto.js';
import { renderTenderEvidencePdf } from './tender-evidence-pdf.js';
import { type EvidenceContract, type SubjectDocument, TenderEvidenceRepository } from './tender-evidence.repository.js';
import {
  criterionStanding,
  DOCUMENT_LABELS,
  EVIDENCE_YEARS,
  type HeldDocument,
  SIMILAR_CONTRACTS_ASKED,
  STAFF_DOCUMENT_KINDS,
  TENDER_CRITERIA,
  yearsBefore,
} from './tender-criteria.js';

const toContractResponse = (c: EvidenceContract): TenderContractResponse => ({
  id: c.id,
  reference: c.reference,
  commissionerId: c.commissionerId,
  commissionerName: c.commissionerName,
  startsOn: c.startsOn,
  endsOn: c.endsOn,
  programmes: c.programmeNames,
  pricePerTermPence: c.pricePerTermPence,
  valuePence: c.billedNetPence,
});

function staffDocuments(docs: SubjectDocument[], today: string): TenderStaffDocumentsResponse[] {
  return STAFF_DOCUMENT_KINDS.map((kind) => {
    const statuses = docs.filter((d) => d.kind === kind).map((d) => documentStatus(d, today));
    return {
      kind,
      label: DOCUMENT_LABELS[kind],
      held: statuses.length,
      expiring: statuses.filter((s) => s === 'expiring').length,
      expired: statuses.filter((s) => s === 'expired').length,
    };
  });
}

/**
 * The tender evidence pack (API.md 1.1, GET /tender-evidence): each selection criterion of the seed's
 * tender with the evidence the service holds for it, its expiry and whether it is missing or expired.
 * Documents come from the compliance register (the organisation's current ones); contracts, outcomes and
 * equality evidence cover the last three years; counts of young people are suppressed as in a
 * monitoring return (rule 17), and no one is named.
 */
@Injectable()
export class TenderEvidenceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async build(today = todayInLondon()): Promise<TenderEvidenceResponse> {
    // one snapshot: every part of the pack as at the same moment
    return this.dataSource.transaction('REPEATABLE READ', (em) => this.assemble(em, today));
  }

  private async assemble(em: EntityManager, today: string): Promise<TenderEvidenceResponse> {
    const from = yearsBefore(today, EVIDENCE_YEARS);
    const held = new Map((await TenderEvidenceRepository.organisationDocuments(em)).map((d): [HeldDocument['kind'], HeldDocument] => [d.kind, d]));
    const staff = staffDocuments(await TenderEvidenceRepository.subjectDocuments(em, STAFF_DOCUMENT_KINDS), today);
    const contracts = (await TenderEvidenceRepository.contractsSince(em, from)).map(toContractResponse);
    const outcomeCounts = await TenderEvidenceRepository.outcomeCounts(em, from, today);
    const outcomes = outcomeTable(outcomeCounts);
    const served = await TenderEvidenceRepository.servedBetween(em, from, today);
    const people = await MonitoringReturnRepository.equality(em, served);
    const equality = { youngPeople: suppressCount(served.length), breakdown: equalityBreakdown(people) };

    const criteria = TENDER_CRITERIA.map((criterion): TenderCriterionResponse => {
      const otherEvidence =
        criterion.key === 'similar_contracts' ? contracts.length > 0 : criterion.key === 'social_value' ? outcomeCounts.length > 0 : false;
      const standing = criterionStanding(criterion, held, today, otherEvidence);
      const response: TenderCriterionResponse = {
        key: criterion.key,
        title: criterion.title,
        essential: criterion.essential,
        weightPercent: criterion.weightPercent,
        status: standing.status,
        missing: standing.missing,
        expired: standing.expired,
        expiresOn: standing.expiresOn,
        documents: standing.documents.map((d) => ({ ...d, label: DOCUMENT_LABELS[d.kind] })),
        notes: [],
      };
      if (criterion.key === 'registration') {
        response.notes.push('Either registration answers this question. The seed notes that a council may not in fact need Ofsted registration: ask.');
      }
      if (criterion.key === 'child_protection') response.staffDocuments = staff;
      if (criterion.key === 'equality') response.equality = equality;
      if (criterion.key === 'similar_contracts') {
        response.contracts = contracts;
        if (contracts.length < SIMILAR_CONTRACTS_ASKED) {
          response.notes.push(`${contracts.length} of the ${SIMILAR_CONTRACTS_ASKED} examples asked for are held for the last ${EVIDENCE_YEARS} years.`);
        }
      }
      if (criterion.key === 'social_value') response.outcomes = outcomes;
      return response;
    });
    return {
      provider: this.config.provider.name,
      asOf: today,
      periodStart: from,
      periodEnd: today,
      criteria,
      contracts,
      counts: { missing: criteria.filter((c) => c.missing).length, expired: criteria.filter((c) => c.expired).length },
      notes: [
        'Documents are the current ones of the compliance register; expiring means within 60 days.',
        `Contracts are those in force at some time from ${from}; a contract's value is what was invoiced under it less credit notes, net of VAT.`,
        'Outcomes and equality figures are of the young people who held a place in that period. ' + SUPPRESSION_NOTE,
      ],
    };
  }

  async pdf(pack: TenderEvidenceResponse): Promise<{ filename: string; content: Buffer }> {
    return { filename: `tender-evidence-${pack.asOf}.pdf`, content: await renderTenderEvidencePdf(pack, this.config.provider) };
  }
}
