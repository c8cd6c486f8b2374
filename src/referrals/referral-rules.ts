/** Where a referral comes from, and what may be decided about it (API.md 1.1). */
export const REFERRAL_SOURCES = ['council', 'school', 'family', 'health', 'other'] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

export const REFERRAL_STATUSES = ['received', 'accepted', 'declined', 'withdrawn'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** A decision moves a `received` referral to one of these; a decided referral is never decided again. */
export const REFERRAL_DECISIONS = ['accepted', 'declined', 'withdrawn'] as const;
export type ReferralDecision = (typeof REFERRAL_DECISIONS)[number];

/** Problem codes of the referral rules. */
export const ReferralRule = {
  /** 422: `accepted` needs a participant (in the decision or already on the referral). */
  NeedsParticipant: 'referral-needs-participant',
  /** 409: the referral has been decided already (decisions are made only from `received`). */
  AlreadyDecided: 'referral-already-decided',
  /** 422: the decision names another participant than the referral already does. */
  ParticipantMismatch: 'referral-participant-mismatch',
  /** 422: a commissioner, programme or participant named does not exist. */
  UnknownCommissioner: 'unknown-commissioner',
  UnknownProgramme: 'unknown-programme',
  UnknownParticipant: 'unknown-participant',
} as const;
