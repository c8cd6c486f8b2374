export const OUTCOME_KINDS = ['arts_award', 'other_event', 'work_experience', 'volunteering', 'other'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];
export const ARTS_AWARD_LEVELS = ['discover', 'explore', 'bronze', 'silver', 'gold'] as const;
export type ArtsAwardLevel = (typeof ARTS_AWARD_LEVELS)[number];
export const OUTCOME_STATUSES = ['working_towards', 'achieved'] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

export const OUTCOME_KIND_LABELS: Record<OutcomeKind, string> = {
  arts_award: 'Arts Award',
  other_event: 'Other events',
  work_experience: 'Work experience',
  volunteering: 'Volunteering',
  other: 'Other',
};
