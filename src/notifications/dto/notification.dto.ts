import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { EmptyMeansAbsent } from '../../common/query-params.js';
import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES, type Notification, type NotificationKind, type NotificationStatus } from '../notification.entity.js';

export class NotificationQuery extends PageQuery {
  @ApiPropertyOptional({ enum: NOTIFICATION_STATUSES })
  @IsOptional() @EmptyMeansAbsent() @IsIn(NOTIFICATION_STATUSES)
  status?: NotificationStatus;

  @ApiPropertyOptional({ enum: NOTIFICATION_KINDS })
  @IsOptional() @EmptyMeansAbsent() @IsIn(NOTIFICATION_KINDS)
  kind?: NotificationKind;
}

/** A notification without its body: who, what about, and how its sending went. */
export class NotificationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind: NotificationKind;
  @ApiProperty({ description: 'The email address it is sent to' }) recipient: string;
  @ApiProperty({ type: [String], description: 'The same address, as a list' }) recipients: string[];
  @ApiProperty({ type: String, nullable: true, description: 'The subject as sent (or as it will be)' }) subject: string | null;
  @ApiProperty({
    enum: NOTIFICATION_STATUSES,
    description: 'queued: waiting to be sent (also while no SMTP_URL is configured) or between attempts; sent: the SMTP server accepted it; failed: every attempt failed',
  })
  status: NotificationStatus;
  @ApiProperty({ type: 'integer', description: 'Sending attempts made' }) attempts: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed' }) lastError: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The Message-ID the SMTP server accepted it under' }) smtpMessageId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The invoice attached as a PDF' }) documentId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastAttemptAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt: string | null;

  static of(n: Notification, subject: string | null): NotificationResponse {
    return {
      id: n.id,
      kind: n.kind,
      recipient: n.recipient,
      recipients: [n.recipient],
      subject,
      status: n.status,
      attempts: n.attempts,
      lastError: n.lastError,
      smtpMessageId: n.smtpMessageId,
      documentId: n.attachmentDocumentId,
      createdAt: n.createdAt.toISOString(),
      lastAttemptAt: n.lastAttemptAt?.toISOString() ?? null,
      sentAt: n.sentAt?.toISOString() ?? null,
    };
  }
}

export class NotificationPage extends PageResponse {
  @ApiProperty({ type: [NotificationResponse] }) items: NotificationResponse[];
}
