import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMPLIANCE_KINDS, COMPLIANCE_STATUSES, type ComplianceKind, type ComplianceStatus } from '../../compliance/compliance-rules.js';
import { EqualityBreakdownResponse, OutcomeCountResponse, SHOWN } from '../../monitoring-returns/dto/monitoring-return.dto.js';
import type { Shown } from '../../monitoring-returns/suppression.js';
import { TENDER_CRITERION_KEYS, type TenderCriterionKey } from '../tender-criteria.js';

export class TenderDocumentResponse {
  @ApiProperty({ enum: COMPLIANCE_KINDS }) kind: ComplianceKind;
  @ApiProperty({ example: 'Public liability insurance' }) label: string;
  @ApiProperty({ enum: COMPLIANCE_STATUSES, description: 'valid, expiring (within 60 days), expired or missing, on the day of the pack' }) status: ComplianceStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The current document of the compliance register; null when none is held' }) documentId: string | null;
  @ApiProperty({ type: String, nullable: true }) reference: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) issuedOn: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'The last day it is valid; null: it does not expire (or none is held)' }) expiresOn: string | null;
}

export class TenderStaffDocumentsResponse {
  @ApiProperty({ enum: COMPLIANCE_KINDS }) kind: ComplianceKind;
  @ApiProperty({ example: 'DBS check' }) label: string;
  @ApiProperty({ type: 'integer', description: 'Current documents of this kind held for staff or programmes' }) held: number;
  @ApiProperty({ type: 'integer' }) expiring: number;
  @ApiProperty({ type: 'integer' }) expired: number;
}

export class TenderContractResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'CCC-SB-2024-07' }) reference: string;
  @ApiProperty({ format: 'uuid' }) commissionerId: string;
  @ApiProperty({ example: 'Cambridgeshire County Council' }) commissionerName: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ type: [String], example: ['Arts Pioneers'] }) programmes: string[];
  @ApiProperty({ type: 'integer', description: 'Price per participant per term at the start of the contract, pence' }) pricePerTermPence: number;
  @ApiProperty({ type: 'integer', description: "The contract's value to date: invoiced less credited under it, net of VAT, pence" }) valuePence: number;
}

export class TenderOutcomesResponse {
  @ApiProperty({ type: [OutcomeCountResponse], description: 'Outcomes dated in the period (achieved on, else recorded on), small numbers suppressed' })
  rows: OutcomeCountResponse[];
  @ApiProperty(SHOWN) total: Shown;
}

export class TenderEqualityResponse {
  @ApiProperty({ ...(SHOWN as object), description: 'Young people who held a place on a term of the period' }) youngPeople: Shown;
  @ApiProperty({ type: EqualityBreakdownResponse, description: 'Their equality monitoring, small numbers suppressed table by table (no names)' })
  breakdown: EqualityBreakdownResponse;
}

export class TenderCriterionResponse {
  @ApiProperty({ enum: TENDER_CRITERION_KEYS }) key: TenderCriterionKey;
  @ApiProperty({ description: "The criterion in the commissioner's words", example: 'Equality policy and evidence' }) title: string;
  @ApiProperty({ description: 'An essential (yes/no) question: a gap eliminates the bid' }) essential: boolean;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Its weight in the score, percent (null for an essential)' }) weightPercent: number | null;
  @ApiProperty({ enum: ['held', 'expiring', 'expired', 'missing'] }) status: 'held' | 'expiring' | 'expired' | 'missing';
  @ApiProperty({ description: 'The evidence it asks for is not held' }) missing: boolean;
  @ApiProperty({ description: 'A document that answers it has expired' }) expired: boolean;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'The earliest expiry among the documents that answer it' }) expiresOn: string | null;
  @ApiProperty({ type: [TenderDocumentResponse], description: "The organisation's compliance documents it asks for (registration: either one)" })
  documents: TenderDocumentResponse[];
  @ApiPropertyOptional({ type: [TenderStaffDocumentsResponse], description: 'child_protection: the staff checks and risk assessments held' })
  staffDocuments?: TenderStaffDocumentsResponse[];
  @ApiPropertyOptional({ type: [TenderContractResponse], description: 'similar_contracts: the contracts of the last three years' })
  contracts?: TenderContractResponse[];
  @ApiPropertyOptional({ type: TenderEqualityResponse, description: 'equality: the equality monitoring of the young people served' })
  equality?: TenderEqualityResponse;
  @ApiPropertyOptional({ type: TenderOutcomesResponse, description: 'social_value: the outcomes of the young people served' })
  outcomes?: TenderOutcomesResponse;
  @ApiProperty({ type: [String] }) notes: string[];
}

export class TenderCountsResponse {
  @ApiProperty({ type: 'integer' }) missing: number;
  @ApiProperty({ type: 'integer' }) expired: number;
}

export class TenderEvidenceResponse {
  @ApiProperty({ example: 'University of Cambridge Museums' }) provider: string;
  @ApiProperty({ format: 'date', description: 'The day of the pack (London)' }) asOf: string;
  @ApiProperty({ format: 'date', description: 'Three years before asOf: the start of the period contracts, outcomes and equality evidence cover' }) periodStart: string;
  @ApiProperty({ format: 'date' }) periodEnd: string;
  @ApiProperty({ type: [TenderCriterionResponse], description: 'The selection criteria: the essentials first, then the weighted ones' }) criteria: TenderCriterionResponse[];
  @ApiProperty({ type: [TenderContractResponse], description: 'Contracts in force at some time in the last three years, with their value' }) contracts: TenderContractResponse[];
  @ApiProperty({ type: TenderCountsResponse, description: 'How many criteria are missing or expired' }) counts: TenderCountsResponse;
  @ApiProperty({ type: [String] }) notes: string[];
}
