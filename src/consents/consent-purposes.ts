/** The purposes a consent is given or refused for (API.md v1.1 "Consents by purpose"). */
export const CONSENT_PURPOSES = ['photography', 'emergency_medical_treatment', 'off_site_trips', 'information_sharing', 'transport'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** Each purpose's current consent: true (given), false (refused), null (none recorded, or expired). */
export type CurrentConsents = Record<ConsentPurpose, boolean | null>;

export function noConsents(): CurrentConsents {
  return Object.fromEntries(CONSENT_PURPOSES.map((p) => [p, null])) as CurrentConsents;
}
