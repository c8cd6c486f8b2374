import { ApiProperty } from '@nestjs/swagger';
import { ATTENDANCE_STATUSES, type AttendanceStatus } from '../../attendance/dto/attendance.dto.js';

const RATE = 'Attendance rate: (present + late) ÷ sessionsHeld as a whole percentage, 0–100, rounded half up; null when nothing was held';

export class AttendanceCountsResponse {
  @ApiProperty({ type: 'integer', description: 'Scheduled sessions dated up to today that the place covered' }) sessionsHeld: number;
  @ApiProperty({ type: 'integer' }) present: number;
  @ApiProperty({ type: 'integer' }) late: number;
  @ApiProperty({ type: 'integer' }) absent: number;
  @ApiProperty({ type: 'integer' }) excused: number;
  @ApiProperty({ type: 'integer', description: 'Held sessions with no attendance recorded' }) unrecorded: number;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, maximum: 100, example: 75, description: RATE }) attendanceRate: number | null;
}

export class ParticipantAttendanceSummary extends AttendanceCountsResponse {
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ type: [String], format: 'uuid', description: 'Their registrations on the programme-term that held a place (usually one)' })
  registrationIds: string[];
  @ApiProperty({ enum: ['registered', 'withdrawn'], description: 'registered when one of them still holds a place' }) registrationStatus: 'registered' | 'withdrawn';
  @ApiProperty({
    type: 'integer',
    description: 'The current run of consecutive held sessions, latest first, marked absent or with no attendance recorded; a present, late or excused ends it',
  })
  unexplainedAbsenceStreak: number;
  @ApiProperty({ description: 'unexplainedAbsenceStreak ≥ 2' }) flagged: boolean;
}

export class AttendanceSummaryResponse {
  @ApiProperty({ format: 'uuid' }) programmeId: string;
  @ApiProperty({ format: 'uuid' }) termId: string;
  @ApiProperty({ format: 'date', description: 'The London date the summary counts up to (today)' }) asOf: string;
  @ApiProperty({ type: 'integer', description: "The programme-term's scheduled sessions dated up to asOf" }) sessionsHeld: number;
  @ApiProperty({ type: 'integer', description: "The programme-term's scheduled sessions, past and future" }) sessionsScheduled: number;
  @ApiProperty({ type: 'integer' }) sessionsCancelled: number;
  @ApiProperty({ type: 'integer', description: 'Participants flagged (unexplainedAbsenceStreak ≥ 2)' }) flaggedCount: number;
  @ApiProperty({ type: [ParticipantAttendanceSummary], description: 'Everyone who held a place on the programme-term, by last name' })
  participants: ParticipantAttendanceSummary[];
}

export class SessionAttendance {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty({ type: String, nullable: true, enum: ATTENDANCE_STATUSES, description: 'null: no attendance recorded' }) status: AttendanceStatus | null;
}

export class ChildAttendanceEvidence extends AttendanceCountsResponse {
  @ApiProperty({ type: [SessionAttendance], description: 'Each held session of the period the place covered, in date order' }) sessions: SessionAttendance[];
}

export class EvidenceChild {
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ format: 'uuid' }) registrationId: string;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'When the place was taken: on or before the census date for a census line' })
  registeredOn: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) withdrawalEffectiveOn: string | null;
  @ApiProperty({ description: 'The budget reference billed, as on the document' }) budgetReference: string;
  @ApiProperty({ type: String, nullable: true, description: "The council's own client id, as on the document" }) councilId: string | null;
  @ApiProperty({ type: 'integer', description: 'Net pence this line billed for the child (negative on a credit note)' }) amountPence: number;
  @ApiProperty({ type: [String], format: 'date', description: 'A sessions line: the dates billed for the child; empty for a place' }) sessionsBilled: string[];
  @ApiProperty({ type: ChildAttendanceEvidence, description: "The child's attendance in the line's period" }) attendance: ChildAttendanceEvidence;
}

export class CensusSnapshot {
  @ApiProperty({ format: 'uuid' }) termId: string;
  @ApiProperty() termName: string;
  @ApiProperty({ format: 'date' }) censusDate: string;
  @ApiProperty({ type: 'integer', description: 'Children this line billed (the headcount it was billed from, for a census line)' }) headcount: number;
}

export class EvidenceLineResponse {
  @ApiProperty({ type: 'integer' }) line: number;
  @ApiProperty() description: string;
  @ApiProperty({ enum: ['census', 'late_joiner', 'sessions'] }) kind: string;
  @ApiProperty({ format: 'uuid' }) programmeId: string;
  @ApiProperty() programmeName: string;
  @ApiProperty({ format: 'date' }) periodStart: string;
  @ApiProperty({ format: 'date' }) periodEnd: string;
  @ApiProperty({ type: 'integer' }) quantity: number;
  @ApiProperty({ type: 'integer', description: 'Net pence of the line' }) amountPence: number;
  @ApiProperty({ type: CensusSnapshot, description: 'The census the line was billed from and the children it counted' }) census: CensusSnapshot;
  @ApiProperty({ type: 'integer', description: 'Scheduled sessions of the period dated up to today' }) sessionsHeld: number;
  @ApiProperty({ type: 'integer', description: 'Sessions of the period cancelled' }) sessionsCancelled: number;
  @ApiProperty({ type: [EvidenceChild], description: 'By last name' }) children: EvidenceChild[];
}

export class InvoiceEvidenceResponse {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty({ example: 'INV-000042' }) number: string;
  @ApiProperty({ enum: ['invoice', 'credit_note'] }) kind: string;
  @ApiProperty({ format: 'uuid' }) commissionerId: string;
  @ApiProperty({ format: 'date' }) issueDate: string;
  @ApiProperty({ format: 'date', description: 'Attendance counted up to this London date (today)' }) asOf: string;
  @ApiProperty({ type: [EvidenceLineResponse] }) lines: EvidenceLineResponse[];
}
