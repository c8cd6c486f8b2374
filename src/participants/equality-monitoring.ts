import type { Participant } from './participant.entity.js';

/**
 * Equality monitoring (API.md 1.1): optional, each field allowing "prefer_not_to_say". Special category
 * data: shown and audited like medical notes (mayReadMedicalNotes; audit detail 'equality-monitoring'),
 * never to finance or integration keys, never by name in a monitoring return (counts only, suppressed).
 */
export const PREFER_NOT_TO_SAY = 'prefer_not_to_say';

export const GENDERS = ['female', 'male', 'non_binary', 'other', PREFER_NOT_TO_SAY] as const;
export type Gender = (typeof GENDERS)[number];

/**
 * The 19 ethnic groups of the 2021 Census of England and Wales (ONS), in the census's order, as snake_case
 * values: the five high-level groups are the prefixes (white_, mixed_, asian_, black_, other_).
 */
export const ETHNIC_GROUP_LABELS = {
  white_british: 'White: English, Welsh, Scottish, Northern Irish or British',
  white_irish: 'White: Irish',
  white_gypsy_or_irish_traveller: 'White: Gypsy or Irish Traveller',
  white_roma: 'White: Roma',
  white_other: 'White: Any other White background',
  mixed_white_and_black_caribbean: 'Mixed or Multiple: White and Black Caribbean',
  mixed_white_and_black_african: 'Mixed or Multiple: White and Black African',
  mixed_white_and_asian: 'Mixed or Multiple: White and Asian',
  mixed_other: 'Mixed or Multiple: Any other Mixed or Multiple background',
  asian_indian: 'Asian, Asian British or Asian Welsh: Indian',
  asian_pakistani: 'Asian, Asian British or Asian Welsh: Pakistani',
  asian_bangladeshi: 'Asian, Asian British or Asian Welsh: Bangladeshi',
  asian_chinese: 'Asian, Asian British or Asian Welsh: Chinese',
  asian_other: 'Asian, Asian British or Asian Welsh: Any other Asian background',
  black_caribbean: 'Black, Black British, Black Welsh, Caribbean or African: Caribbean',
  black_african: 'Black, Black British, Black Welsh, Caribbean or African: African',
  black_other: 'Black, Black British, Black Welsh, Caribbean or African: Any other Black, Black British or Caribbean background',
  other_arab: 'Other ethnic group: Arab',
  other_ethnic_group: 'Other ethnic group: Any other ethnic group',
} as const;
export const ETHNIC_GROUPS = Object.keys(ETHNIC_GROUP_LABELS) as Array<keyof typeof ETHNIC_GROUP_LABELS>;
export const ETHNICITIES = [...ETHNIC_GROUPS, PREFER_NOT_TO_SAY] as const;
export type Ethnicity = (typeof ETHNICITIES)[number];

/**
 * The SEN primary type of need categories of the DfE school census (code in brackets), as snake_case
 * values. A young person may have several (the first is taken as the primary need nowhere: all count).
 */
export const SEND_CATEGORY_LABELS = {
  specific_learning_difficulty: 'Specific learning difficulty (SpLD)',
  moderate_learning_difficulty: 'Moderate learning difficulty (MLD)',
  severe_learning_difficulty: 'Severe learning difficulty (SLD)',
  profound_and_multiple_learning_difficulty: 'Profound and multiple learning difficulty (PMLD)',
  social_emotional_and_mental_health: 'Social, emotional and mental health (SEMH)',
  speech_language_and_communication_needs: 'Speech, language and communication needs (SLCN)',
  hearing_impairment: 'Hearing impairment (HI)',
  vision_impairment: 'Vision impairment (VI)',
  multi_sensory_impairment: 'Multi-sensory impairment (MSI)',
  physical_disability: 'Physical disability (PD)',
  autistic_spectrum_disorder: 'Autistic spectrum disorder (ASD)',
  other_difficulty_or_disability: 'Other difficulty or disability (OTH)',
  no_specialist_assessment: 'SEN support but no specialist assessment of type of need (NSA)',
} as const;
export const SEND_CATEGORIES = Object.keys(SEND_CATEGORY_LABELS) as Array<keyof typeof SEND_CATEGORY_LABELS>;
export const DISABILITY_CATEGORIES = [...SEND_CATEGORIES, PREFER_NOT_TO_SAY] as const;
export type DisabilityCategory = (typeof DISABILITY_CATEGORIES)[number];

/** A postcode's outward code (district): A9, A99, A9A, AA9, AA99, AA9A — never the full postcode. */
export const OUTWARD_CODE = /^[A-Z]{1,2}[0-9][A-Z0-9]?$/;

export interface EqualityMonitoring {
  gender: Gender | null;
  ethnicity: Ethnicity | null;
  disabilityCategories: DisabilityCategory[] | null;
  postcodeDistrict: string | null;
}

export const EQUALITY_FIELDS = ['gender', 'ethnicity', 'disabilityCategories', 'postcodeDistrict'] as const;

export function equalityOf(p: Participant): EqualityMonitoring {
  return {
    gender: (p.gender as Gender | null) ?? null,
    ethnicity: (p.ethnicity as Ethnicity | null) ?? null,
    disabilityCategories: (p.disabilityCategories as DisabilityCategory[] | null) ?? null,
    postcodeDistrict: p.postcodeDistrict ?? null,
  };
}

/** Whether any equality field holds a value (then showing it is audited). */
export function hasEqualityData(e: Partial<EqualityMonitoring>): boolean {
  return EQUALITY_FIELDS.some((k) => e[k] !== undefined && e[k] !== null && !(Array.isArray(e[k]) && (e[k] as unknown[]).length === 0));
}
