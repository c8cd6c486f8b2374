import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsId } from '../../common/validation.js';
import type { Shown } from '../suppression.js';

/** A count as published: a number (0 or 5 and more), "<5" (0–4) or "*" (5 or more, withheld so that no "<5" can be worked out). */
export const SHOWN: ApiPropertyOptions = { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', enum: ['<5', '*'] }], example: '<5' } as ApiPropertyOptions;

export class MonitoringReturnQuery {
  @ApiProperty({ format: 'uuid', description: 'The term the return covers' })
  @IsId()
  termId: string;
}

export class EqualityRowResponse {
  @ApiProperty({ example: 'female', description: 'The category value (not_recorded: nothing recorded; other_districts: districts with fewer than 5)' }) category: string;
  @ApiProperty({ example: 'Female' }) label: string;
  @ApiProperty(SHOWN) count: Shown;
}

export class EqualityTableResponse {
  @ApiProperty({ type: [EqualityRowResponse] }) rows: EqualityRowResponse[];
  @ApiProperty({ ...(SHOWN as object), description: 'The sum of the rows (for disabilityCategories: of mentions, a young person may have several)' }) total: Shown;
}

export class EqualityBreakdownResponse {
  @ApiProperty({ type: EqualityTableResponse }) gender: EqualityTableResponse;
  @ApiProperty({ type: EqualityTableResponse }) ethnicity: EqualityTableResponse;
  @ApiProperty({ type: EqualityTableResponse }) disabilityCategories: EqualityTableResponse;
  @ApiProperty({ type: EqualityTableResponse }) postcodeDistrict: EqualityTableResponse;
}

export class OutcomeCountResponse {
  @ApiProperty({ example: 'arts_award' }) kind: string;
  @ApiProperty({ type: String, nullable: true, example: 'bronze' }) level: string | null;
  @ApiProperty({ example: 'achieved' }) status: string;
  @ApiProperty(SHOWN) count: Shown;
}

export class ReturnReferralsResponse {
  @ApiProperty({ ...(SHOWN as object), description: 'Referrals from the council to the programme dated in the term' }) received: Shown;
  @ApiProperty({ ...(SHOWN as object), description: 'Of them, accepted' }) accepted: Shown;
}

export class ReturnHeadcountResponse {
  @ApiProperty({ ...(SHOWN as object), description: "The council's census headcount" }) census: Shown;
  @ApiProperty({ type: 'integer', nullable: true, description: "The contract's minimum number of participants" }) minimum: number | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'null when the headcount is suppressed (it would tell it)' }) belowMinimum: boolean | null;
  @ApiProperty({ ...(SHOWN as object), description: 'Places taken after the census date' }) lateJoiners: Shown;
}

export class ReturnSessionsResponse {
  @ApiProperty({ type: 'integer', description: 'Every session of the programme-term, cancelled ones included' }) planned: number;
  @ApiProperty({ type: 'integer', description: 'Scheduled (not cancelled) and dated up to the day of the return' }) held: number;
  @ApiProperty({ type: 'integer', description: 'Cancelled (POST /sessions/:id/cancel), whatever their date' }) cancelled: number;
}

export class ReturnProgrammeResponse {
  @ApiProperty({ format: 'uuid' }) programmeId: string;
  @ApiProperty() programmeName: string;
  @ApiProperty({ type: ReturnReferralsResponse }) referrals: ReturnReferralsResponse;
  @ApiProperty({ type: ReturnHeadcountResponse }) headcount: ReturnHeadcountResponse;
  @ApiProperty({ type: ReturnSessionsResponse }) sessions: ReturnSessionsResponse;
  @ApiProperty({ type: 'integer', nullable: true, example: 88, description: 'Whole percent (rounded half up) of attendance marks present or late, of the counted young people on sessions held; null before any mark' })
  attendanceRate: number | null;
  @ApiProperty({ type: [OutcomeCountResponse], description: 'Outcomes of the counted young people by kind, level and status' }) outcomes: OutcomeCountResponse[];
  @ApiProperty(SHOWN) outcomesTotal: Shown;
  @ApiProperty({ type: EqualityBreakdownResponse, description: 'Of the young people counted at the census' }) equality: EqualityBreakdownResponse;
}

export class MonitoringReturnResponse {
  @ApiProperty({ example: 'Arts Pioneers provider' }) provider: string;
  @ApiProperty({ format: 'uuid' }) commissionerId: string;
  @ApiProperty() commissionerName: string;
  @ApiProperty({ format: 'uuid' }) termId: string;
  @ApiProperty() termName: string;
  @ApiProperty({ format: 'date' }) periodStart: string;
  @ApiProperty({ format: 'date' }) periodEnd: string;
  @ApiProperty({ format: 'date' }) censusDate: string;
  @ApiProperty({ format: 'date', description: 'The day the return was produced (London)' }) producedOn: string;
  @ApiProperty({ type: [ReturnProgrammeResponse] }) programmes: ReturnProgrammeResponse[];
  @ApiProperty({ description: 'How small numbers are suppressed' }) suppressionNote: string;
  @ApiPropertyOptional({ type: [String], description: 'What the figures leave out' }) notes?: string[];
}
