import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { IsCalendarDate, IsId } from '../../common/validation.js';
import { REGISTRATION_STATUSES, type Registration, type RegistrationStatus } from '../registration.entity.js';

export class CreateRegistrationDto {
  @ApiProperty() @IsId() participantId: string;
  @ApiProperty() @IsId() programmeId: string;
  @ApiProperty() @IsId() termId: string;
  @ApiProperty({ description: "The participant's personal budget that pays" }) @IsId() budgetId: string;

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
  @ApiPropertyOptional() @IsOptional() @IsId() programmeId?: string;
  @ApiPropertyOptional() @IsOptional() @IsId() termId?: string;
  @ApiPropertyOptional() @IsOptional() @IsId() participantId?: string;
  @ApiPropertyOptional({ enum: REGISTRATION_STATUSES }) @IsOptional() @IsIn(REGISTRATION_STATUSES) status?: RegistrationStatus;
}

export class RegistrationResponse {
  @ApiProperty() id: string;
  @ApiProperty() participantId: string;
  @ApiProperty() programmeId: string;
  @ApiProperty() termId: string;
  @ApiProperty() budgetId: string;
  @ApiProperty({ description: 'The contract whose termly price applies' }) contractId: string;
  @ApiProperty({ enum: REGISTRATION_STATUSES }) status: RegistrationStatus;
  @ApiProperty({ type: Number, nullable: true, description: '1..n among those waiting, first come first served' })
  waitlistPosition: number | null;
  @ApiProperty({ description: "The contract's termly price, committed against the budget while registered" }) pricePence: number;
  @ApiProperty({ description: 'Money this registration holds committed against its budget now' }) committedPence: number;
  @ApiProperty({ type: String, nullable: true, format: 'date', description: 'The London date it took a place' })
  registeredOn: string | null;
  @ApiProperty({ type: String, nullable: true }) withdrawnAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) withdrawalEffectiveOn: string | null;
  @ApiProperty({ type: String, nullable: true }) withdrawalReason: string | null;
  @ApiProperty() createdAt: string;

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
