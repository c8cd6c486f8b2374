/**
 * What a safeguarding alert says: that a safeguarding note exists and where to read it. Never the
 * note's body, nor anything else about the child: the receiver follows the link with its own access.
 */
export interface SafeguardingAlertPayload {
  type: 'case_note.safeguarding';
  alertId: string;
  caseNoteId: string;
  participantId: string;
  category: 'safeguarding';
  occurredAt: string;
  recordedAt: string;
  /** When this attempt was sent (signed with the body: a receiver refuses stale deliveries). */
  sentAt: string;
  link: string;
}

export interface AlertFacts {
  alertId: string;
  caseNoteId: string;
  participantId: string;
  occurredAt: Date;
  recordedAt: Date;
}

export function buildAlertPayload(facts: AlertFacts, publicBaseUrl: string, sentAt: Date): SafeguardingAlertPayload {
  return {
    type: 'case_note.safeguarding',
    alertId: facts.alertId,
    caseNoteId: facts.caseNoteId,
    participantId: facts.participantId,
    category: 'safeguarding',
    occurredAt: facts.occurredAt.toISOString(),
    recordedAt: facts.recordedAt.toISOString(),
    sentAt: sentAt.toISOString(),
    link: `${publicBaseUrl.replace(/\/$/, '')}/api/v1/case-notes/${facts.caseNoteId}`,
  };
}
