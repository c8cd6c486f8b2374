/** Where a referral comes from, and what may be decided about it (API.md 1.1). */
export const REFERRAL_SOURCES = ['council', 'school', 'family', 'health', 'other'] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

export const REFERRAL_STATUSES = ['received', 'accepted', 'declined', 'withdrawn'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** A decision moves a `received` referral to one of these; a decided referral is never decided again. */
export const REFERRAL_DECISIONS = ['accepted', 'declined', 'withdrawn'] as const;
export type ReferralDecision = (typeof REFERRAL_DECISIONS)[number];
