import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageResponse } from '../../common/pagination.js';
import { CurrentConsentsResponse } from '../../consents/dto/consent.dto.js';

export const ATTENDANCE_STATUSES = ['present', 'absent', 'late', 'excused'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export class RecordAttendanceDto {
  @ApiProperty({ enum: ATTENDANCE_STATUSES })
  @IsIn(ATTENDANCE_STATUSES)
  status: AttendanceStatus;

  @ApiPropertyOptional({ example: 'Arrived with a carer at 10:20' })
  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

export class AttendanceResponse {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ enum: ATTENDANCE_STATUSES }) status: AttendanceStatus;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ format: 'date-time', description: 'When this (last) write happened; the latest write wins' }) recordedAt: string;
  @ApiProperty({ description: 'user:<id> or integration:<id>' }) recordedBy: string;
}

export class AttendancePage extends PageResponse {
  @ApiProperty({ type: [AttendanceResponse] }) items: AttendanceResponse[];
}

export class RosterEntryResponse {
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ format: 'uuid' }) registrationId: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ type: String, nullable: true, description: 'Support needs' }) needs: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ATTENDANCE_STATUSES }) attendance: AttendanceStatus | null;
  @ApiProperty({ type: CurrentConsentsResponse, description: "Each purpose's consent on the session's date: true, false, or null (none recorded, or expired)" })
  consents: CurrentConsentsResponse;
}

export class RosterPage extends PageResponse {
  @ApiProperty({ type: [RosterEntryResponse] }) items: RosterEntryResponse[];
}
