import { ApiProperty } from '@nestjs/swagger';
import { COMPLIANCE_KINDS, SUBJECT_TYPES } from '../../compliance/compliance-rules.js';
import { CONSENT_PURPOSES } from '../../consents/consent-purposes.js';

export class RosteredStaffResponse {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time' }) rosteredAt: string;
}

export class SessionStaffResponse {
  @ApiProperty({ type: [RosteredStaffResponse] }) items: RosteredStaffResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Always null: a session’s staff fit on one page' }) nextCursor: null;
}

export class MissingConsentResponse {
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ enum: CONSENT_PURPOSES }) purpose: string;
}

export class ExpiredDocumentResponse {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty({ enum: COMPLIANCE_KINDS }) kind: string;
  @ApiProperty({ enum: SUBJECT_TYPES }) subjectType: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) subjectId: string | null;
  @ApiProperty({ format: 'date' }) expiresOn: string;
}

export class ReadinessResponse {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ type: 'integer', description: '⌈group participants ÷ groupRatio⌉ + one_to_one + 2 × two_to_one' }) staffNeeded: number;
  @ApiProperty({ type: 'integer' }) staffRostered: number;
  @ApiProperty({ type: 'integer', description: 'max(0, staffNeeded − staffRostered)' }) shortfall: number;
  @ApiProperty({ type: [MissingConsentResponse], description: 'On an off-site session: participants without a current off_site_trips consent on its date' })
  missingConsents: MissingConsentResponse[];
  @ApiProperty({
    type: [ExpiredDocumentResponse],
    description: "Current documents expired by the session's date: the organisation's required ones, the programme's risk assessment, the rostered staff's DBS checks",
  })
  expiredDocuments: ExpiredDocumentResponse[];
  @ApiProperty({ description: 'Scheduled, no shortfall, no missing consents, no expired documents' }) ready: boolean;
}
