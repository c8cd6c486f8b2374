import { longDate, type Template } from './template.js';

export interface ConsentExpiringData {
  guardianName?: string;
  participantFirstName: string;
  purpose: string;
  expiresOn: string;
}

/** What each consent purpose allows, in words for families. */
const PURPOSES: Record<string, string> = {
  photography: 'photographs',
  emergency_medical_treatment: 'emergency treatment',
  off_site_trips: 'trips away from the usual venue',
  information_sharing: 'sharing information',
  transport: 'transport',
};

/** A consent a guardian gave expires within 30 days. */
export const consentExpiring: Template<ConsentExpiringData> = {
  subject: (d) => `${d.participantFirstName}'s consent for ${PURPOSES[d.purpose] ?? d.purpose.replace(/_/g, ' ')} expires on ${longDate(d.expiresOn)}`,
  greet: (d) => d.guardianName,
  paragraphs: (d) => [
    `The consent you gave for ${d.participantFirstName} (${PURPOSES[d.purpose] ?? d.purpose.replace(/_/g, ' ')}) expires on ${longDate(d.expiresOn)}.`,
    `If you would like it to continue, please renew it with us before then; without it we cannot include ${d.participantFirstName} in what it covers.`,
  ],
};
