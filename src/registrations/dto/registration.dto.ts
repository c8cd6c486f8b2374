import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { IsCalendarDate, IsId } from '../../common/validation.js';
import { REGISTRATION_STATUSES, type Registration, type RegistrationStatus } from '../registration.entity.js';

export class CreateRegistrationDto {
  @ApiProperty({ format: 'uuid' }) @IsId() participantId: string;
  @ApiProperty({ format: 'uuid' }) @IsId() programmeId: string;
  @ApiProperty({ format: 'uuid' }) @IsId() termId: string;
  @ApiProperty({ format: 'uuid', description: "The participant's personal budget that pays" }) @IsId() budgetId: string;

  @ApiPropertyOptional({
    format: 'date',
    description:
      'Correction only: the London date the participant took the place, when it was earlier than today (not in the future, not after the term ends). Defaults to today.',
  })
  @IsOptional() @IsCalendarDate()
  registeredOn?: string;
}

export class WithdrawRegistrationDto {
  @ApiProperty({ example: 'Family moved away' })
  @IsString() @MinLength(1) @MaxLength(1000)
  reason: string;

  @ApiPropertyOptional({
    format: 'date',
    description:
      'When the withdrawal takes effect; may be backdated within the term (not before it starts, not after it ends). Defaults to today, moved into the term. On or before the census date the budget money is released; after it, the term stays billable.',
  })
  @IsOptional() @IsCalendarDate()
  effectiveOn?: string;
}

export class RegistrationQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsId() programmeId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsId() termId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsId() participantId?: string;
  @ApiPropertyOptional({ enum: REGISTRATION_STATUSES }) @IsOptional() @IsIn(REGISTRATION_STATUSES) status?: RegistrationStatus;
}

export class RegistrationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ format: 'uuid' }) programmeId: string;
  @ApiProperty({ format: 'uuid' }) termId: string;
  @ApiProperty({ format: 'uuid' }) budgetId: string;
  @ApiProperty({ format: 'uuid', description: 'The contract whose termly price applies' }) contractId: string;
  @ApiProperty({ enum: REGISTRATION_STATUSES }) status: RegistrationStatus;
  @ApiProperty({ type: 'integer', nullable: true, description: '1..n among those waiting, first come first served' })
  waitlistPosition: number | null;
  @ApiProperty({ type: 'integer', description: "The contract's termly price, committed against the budget while registered" }) pricePence: number;
  @ApiProperty({ type: 'integer', description: 'Money this registration holds committed against its budget now' }) committedPence: number;
  @ApiProperty({ type: String, nullable: true, format: 'date', description: 'The London date it took a place' })
  registeredOn: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) withdrawnAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) withdrawalEffectiveOn: string | null;
  @ApiProperty({ type: String, nullable: true }) withdrawalReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(r: Registration): RegistrationResponse {
    return {
      id: r.id,
      participantId: r.participantId,
      programmeId: r.programmeId,
      termId: r.termId,
      budgetId: r.budgetId,
      contractId: r.contractId,
      status: r.status,
      waitlistPosition: r.waitlistPosition === null || r.waitlistPosition === undefined ? null : Number(r.waitlistPosition),
      pricePence: r.pricePence,
      committedPence: r.committedPence,
      registeredOn: r.registeredOn,
      withdrawnAt: r.withdrawnAt?.toISOString() ?? null,
      withdrawalEffectiveOn: r.withdrawalEffectiveOn,
      withdrawalReason: r.withdrawalReason,
      createdAt: r.createdAt.toISOString(),
    };
  }
}

export class PromotedRegistrationResponse {
  @ApiProperty({ format: 'uuid' }) registrationId: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
}

export class WithdrawalResponse extends RegistrationResponse {
  @ApiProperty({
    type: PromotedRegistrationResponse,
    nullable: true,
    description: 'The waitlisted registration promoted into the freed place by this withdrawal, in the same transaction; null if nobody was',
  })
  promoted: PromotedRegistrationResponse | null;
}

export class RegistrationPage extends PageResponse {
  @ApiProperty({ type: [RegistrationResponse] }) items: RegistrationResponse[];
}
