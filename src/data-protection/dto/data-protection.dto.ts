import { NotificationResponse } from '../../notifications/dto/notification.dto.js';
import { ConsentResponse } from '../../consents/dto/consent.dto.js';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { AuditEventResponse } from '../../audit/dto/audit-event.dto.js';
import { BudgetResponse } from '../../budgets/dto/budget.dto.js';
import { CaseNoteResponse, CaseNoteVersionResponse } from '../../case-notes/dto/case-note.dto.js';
import { ParticipantResponse } from '../../participants/dto/participant.dto.js';
import { SafeguardingAlertResponse } from '../../safeguarding-alerts/dto/safeguarding-alert.dto.js';

export class EraseParticipantDto {
  @ApiProperty({ minLength: 1, maxLength: 1000, example: "Right-to-erasure request received from the family on 2026-11-20" })
  @IsString() @MinLength(1) @MaxLength(1000) @Matches(/\S/, { message: '$property must not be blank' })
  reason: string;
}

export class AnonymisedCounts {
  @ApiProperty({ type: 'integer' }) budgets: number;
  @ApiProperty({ type: 'integer' }) caseNotes: number;
  @ApiProperty({ type: 'integer' }) caseNoteVersions: number;
  @ApiProperty({ type: 'integer' }) attendanceRecords: number;
}

export class ErasureResponse {
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ format: 'date-time' }) erasedAt: string;
  @ApiProperty({ description: 'true when the participant had already been erased (nothing changed)' }) alreadyErased: boolean;
  @ApiProperty({ type: AnonymisedCounts, description: 'What this request anonymised' }) anonymised: AnonymisedCounts;
}

export class RegistrationExport {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) programmeId: string;
  @ApiProperty({ format: 'uuid' }) termId: string;
  @ApiProperty({ format: 'uuid' }) budgetId: string;
  @ApiProperty({ format: 'uuid' }) contractId: string;
  @ApiProperty({ enum: ['registered', 'waitlisted', 'withdrawn'] }) status: string;
  @ApiProperty({ type: 'integer' }) pricePence: number;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) registeredOn: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) withdrawnAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) withdrawalEffectiveOn: string | null;
  @ApiProperty({ type: String, nullable: true }) withdrawalReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AttendanceExport {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) programmeId: string;
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty({ enum: ['present', 'absent', 'late', 'excused'] }) status: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty() recordedBy: string;
}

export class CaseNoteExport extends CaseNoteResponse {
  @ApiProperty({ type: [CaseNoteVersionResponse], description: 'Every version, oldest first' }) versions: CaseNoteVersionResponse[];
}

export class ParticipantExport {
  @ApiProperty({ format: 'date-time' }) exportedAt: string;
  @ApiProperty({ type: ParticipantResponse, description: 'Including medical notes' }) participant: ParticipantResponse;
  @ApiProperty({ type: [BudgetResponse] }) budgets: BudgetResponse[];
  @ApiProperty({ type: [RegistrationExport] }) registrations: RegistrationExport[];
  @ApiProperty({ type: [AttendanceExport] }) attendance: AttendanceExport[];
  @ApiProperty({ type: [ConsentResponse], description: 'Every consent recorded, by purpose, oldest first (the history)' }) consents: ConsentResponse[];
  @ApiProperty({ type: [CaseNoteExport], description: 'Every category, with every version' }) caseNotes: CaseNoteExport[];
  @ApiProperty({ type: [SafeguardingAlertResponse] }) safeguardingAlerts: SafeguardingAlertResponse[];
  @ApiProperty({
    type: [NotificationResponse],
    description: "The emails about the child to the child's guardians (waitlist promotions, cancelled sessions, expiring consents), oldest first",
  })
  notifications: NotificationResponse[];
  @ApiProperty({ type: [AuditEventResponse], description: 'Who read or changed the record, when (this export included)' })
  auditEvents: AuditEventResponse[];
}
