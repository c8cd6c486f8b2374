import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { EmptyMeansAbsent } from '../../common/query-params.js';
import { IsId } from '../../common/validation.js';
import { ALERT_STATUSES, type AlertStatus, SafeguardingAlert } from '../safeguarding-alert.entity.js';

export class SafeguardingAlertQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ALERT_STATUSES })
  @IsOptional() @EmptyMeansAbsent() @IsIn(ALERT_STATUSES)
  status?: AlertStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @EmptyMeansAbsent() @IsId()
  caseNoteId?: string;
}

export class SafeguardingAlertResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseNoteId: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({
    enum: ALERT_STATUSES,
    description: 'pending: not yet queued; queued; retrying: an attempt failed and another is scheduled; delivered; failed: every attempt failed',
  })
  status: AlertStatus;
  @ApiProperty({ type: 'integer', description: 'Delivery attempts made' }) attempts: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'HTTP status of the last attempt' }) lastHttpStatus: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed' }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) enqueuedAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) lastAttemptAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) deliveredAt: string | null;

  static of(a: SafeguardingAlert): SafeguardingAlertResponse {
    return {
      id: a.id,
      caseNoteId: a.caseNoteId,
      participantId: a.participantId,
      status: a.status,
      attempts: a.attempts,
      lastHttpStatus: a.lastHttpStatus,
      lastError: a.lastError,
      createdAt: a.createdAt.toISOString(),
      enqueuedAt: a.enqueuedAt?.toISOString() ?? null,
      lastAttemptAt: a.lastAttemptAt?.toISOString() ?? null,
      deliveredAt: a.deliveredAt?.toISOString() ?? null,
    };
  }
}

export class SafeguardingAlertPage extends PageResponse {
  @ApiProperty({ type: [SafeguardingAlertResponse] }) items: SafeguardingAlertResponse[];
}
