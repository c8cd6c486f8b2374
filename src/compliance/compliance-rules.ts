import { addDays } from '../common/london-calendar.js';

/** The kinds of compliance document (API.md v1.1 "Staff, compliance and session readiness"). */
export const COMPLIANCE_KINDS = [
  'employers_liability_insurance',
  'public_liability_insurance',
  'professional_indemnity_insurance',
  'safeguarding_policy',
  'health_and_safety_policy',
  'equality_policy',
  'environmental_policy',
  'quality_assurance',
  'ofsted_registration',
  'cqc_registration',
  'dbs_check',
  'first_aid_training',
  'safeguarding_training',
  'risk_assessment',
] as const;
export type ComplianceKind = (typeof COMPLIANCE_KINDS)[number];

export const SUBJECT_TYPES = ['organisation', 'user', 'programme'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** What the organisation must always hold: the three insurances and three policies. */
export const ORGANISATION_REQUIREMENTS: readonly ComplianceKind[] = [
  'employers_liability_insurance',
  'public_liability_insurance',
  'professional_indemnity_insurance',
  'safeguarding_policy',
  'health_and_safety_policy',
  'equality_policy',
];

/** A document expiring within this many days (today included) is `expiring`. */
export const EXPIRING_WITHIN_DAYS = 60;

/** Expiry reminders: days before the expiry date (0: on the day); reminder_due (SQL) picks the one due. */
export const REMINDER_THRESHOLDS = [60, 30, 7, 0] as const;

export const COMPLIANCE_STATUSES = ['valid', 'expiring', 'expired', 'missing'] as const;
export type ComplianceStatus = (typeof COMPLIANCE_STATUSES)[number];

/**
 * A document's standing on a London date. `expiresOn` is the last day it is valid: expired the day
 * after; expiring from 60 days before it up to and including that day. A document without an expiry
 * date is valid.
 */
export function documentStatus(doc: { expiresOn: string | null } | null | undefined, today: string): ComplianceStatus {
  if (!doc) return 'missing';
  if (doc.expiresOn === null) return 'valid';
  if (doc.expiresOn < today) return 'expired';
  if (doc.expiresOn <= addDays(today, EXPIRING_WITHIN_DAYS)) return 'expiring';
  return 'valid';
}

// Whether a document covers a date is the SQL function document_covers (migrations/1764540000001).

// Which reminder is due on a day is the SQL function reminder_due (migrations/1764540000002), given REMINDER_THRESHOLDS.
