import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { IsCalendarDate, IsId, IsOmittable, IsTimeOfDay } from '../../common/validation.js';
import type { Session } from '../session.entity.js';

export class CreateSessionDto {
  @ApiProperty({ example: '2026-10-10', format: 'date', description: 'Must fall inside a term (422 otherwise)' })
  @IsCalendarDate()
  date: string;

  @ApiProperty({ example: '10:00' })
  @IsTimeOfDay()
  startTime: string;

  @ApiProperty({ example: '15:00' })
  @IsTimeOfDay()
  endTime: string;

  @ApiPropertyOptional({ description: "Defaults to the programme's venue" })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(300)
  venue?: string;

  @ApiPropertyOptional({ type: 'integer', description: "Defaults to the programme's capacity; at most SESSION_CAPACITY_LIMIT" })
  @IsOptional() @IsInt() @Min(1)
  capacity?: number;

  @ApiPropertyOptional({ default: false, description: 'A trip away from the venue: present or late needs a current off_site_trips consent (422 otherwise)' })
  @IsOptional() @IsBoolean()
  offSite?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "A make-up session: the cancelled session of this programme it replaces (422 unless cancelled and the programme's; 409 when it already has one)",
  })
  @IsOptional() @IsId()
  replacesSessionId?: string;
}

export class UpdateSessionDto {
  @ApiPropertyOptional({ example: '10:30' })
  @IsOmittable() @IsTimeOfDay()
  startTime?: string;

  @ApiPropertyOptional({ example: '15:30' })
  @IsOmittable() @IsTimeOfDay()
  endTime?: string;

  @ApiPropertyOptional()
  @IsOmittable() @IsString() @MinLength(1) @MaxLength(300)
  venue?: string;

  @ApiPropertyOptional({ type: 'integer', description: '422 when it would not fit the participants already registered' })
  @IsOmittable() @IsInt() @Min(1)
  capacity?: number;

  @ApiPropertyOptional({ description: 'A trip away from the venue' })
  @IsOmittable() @IsBoolean()
  offSite?: boolean;
}

export class SessionQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsId()
  termId?: string;
}

export class SessionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) programmeId: string;
  @ApiProperty({ format: 'uuid' }) termId: string;
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty({ example: '10:00' }) startTime: string;
  @ApiProperty({ example: '15:00' }) endTime: string;
  @ApiProperty() venue: string;
  @ApiProperty({ type: 'integer' }) capacity: number;
  @ApiProperty({ type: 'integer', description: 'Registered participants' }) booked: number;
  @ApiProperty({
    type: 'integer',
    description:
      "Places still free: min(capacity, the programme-term's places) - booked. Every registration books every session of its programme-term, so the smallest capacity (or the programme's) limits them all.",
  })
  available: number;
  @ApiProperty({ enum: ['scheduled', 'cancelled'] }) status: 'scheduled' | 'cancelled';
  @ApiProperty({ description: 'A trip away from the venue' }) offSite: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'A make-up session: the cancelled session it replaces' })
  replacesSessionId: string | null;
  @ApiProperty({ type: String, nullable: true }) cancellationReason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelledAt: string | null;

  static of(s: Session): SessionResponse {
    return {
      id: s.id,
      programmeId: s.programmeId,
      termId: s.termId,
      date: s.date,
      startTime: s.startTime.slice(0, 5),
      endTime: s.endTime.slice(0, 5),
      venue: s.venue,
      capacity: s.capacity,
      booked: s.booked,
      available: Math.max(0, Math.min(s.capacity, s.places ?? s.capacity) - s.booked),
      status: s.status,
      offSite: s.offSite,
      replacesSessionId: s.replacesSessionId,
      cancellationReason: s.cancellationReason,
      cancelledAt: s.cancelledAt?.toISOString() ?? null,
    };
  }
}

export class SessionPage extends PageResponse {
  @ApiProperty({ type: [SessionResponse] }) items: SessionResponse[];
}
