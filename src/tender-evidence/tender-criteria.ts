import { type ComplianceKind, type ComplianceStatus, documentStatus } from '../compliance/compliance-rules.js';

/**
 * The selection criteria of a short-breaks tender, as the seed document lists Cambridgeshire's (API.md 1.1
 * "Referrals, outcomes and monitoring returns", GET /tender-evidence): first the essentials, answered yes or
 * no (a wrong answer eliminates the bid), then the weighted questions. Each says which compliance documents
 * of the organisation answer it; `anyOf` is met by one of its kinds (registration: Ofsted or the CQC).
 */
export const TENDER_CRITERIA = [
  {
    key: 'insurances',
    title: "Insurance documents: Employer's Liabilities, Public Liability, Professional Indemnity",
    essential: true,
    weightPercent: null,
    documents: { allOf: ['employers_liability_insurance', 'public_liability_insurance', 'professional_indemnity_insurance'] },
  },
  {
    key: 'health_and_safety',
    title: 'Health and Safety',
    essential: true,
    weightPercent: null,
    documents: { allOf: ['health_and_safety_policy'] },
  },
  {
    key: 'registration',
    title: 'Registration with either the Care Quality Commission or Ofsted',
    essential: true,
    weightPercent: null,
    documents: { anyOf: ['ofsted_registration', 'cqc_registration'] },
  },
  {
    key: 'child_protection',
    title: 'Technical Capacity and Capability, eg details of Child Protection policy etc',
    essential: false,
    weightPercent: 50,
    documents: { allOf: ['safeguarding_policy'] },
  },
  {
    key: 'equality',
    title: 'Equality policy and evidence',
    essential: false,
    weightPercent: 15,
    documents: { allOf: ['equality_policy'] },
  },
  {
    key: 'quality_assurance',
    title: 'Quality Assurance, eg Quality Management System',
    essential: false,
    weightPercent: 5,
    documents: { allOf: ['quality_assurance'] },
  },
  {
    key: 'similar_contracts',
    title: 'Details of three examples of similar contracts awarded in the last three years',
    essential: false,
    weightPercent: 10,
    documents: { allOf: [] },
  },
  {
    key: 'social_value',
    title: 'Economic, social and environmental wellbeing benefits of previous contracts',
    essential: false,
    weightPercent: 15,
    documents: { anyOf: ['environmental_policy'] },
  },
] as const satisfies ReadonlyArray<{
  key: string;
  title: string;
  essential: boolean;
  weightPercent: number | null;
  documents: { allOf: readonly ComplianceKind[] } | { anyOf: readonly ComplianceKind[] };
}>;

export type TenderCriterionKey = (typeof TENDER_CRITERIA)[number]['key'];
export const TENDER_CRITERION_KEYS = TENDER_CRITERIA.map((c) => c.key);

/** How many similar contracts the criterion asks for, and over how many years. */
export const SIMILAR_CONTRACTS_ASKED = 3;
export const EVIDENCE_YEARS = 3;

/** The same London calendar date `years` earlier (29 February becomes 28 February). */
export function yearsBefore(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const year = y - years;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const day = m === 2 && d === 29 && !leap ? 28 : d;
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A current compliance document of the organisation (issued on or before today). */
export interface HeldDocument {
  id: string;
  kind: ComplianceKind;
  reference: string | null;
  issuedOn: string;
  expiresOn: string | null;
}

/** One document a criterion asks for, as held (or not). */
export interface DocumentEvidence {
  kind: ComplianceKind;
  status: ComplianceStatus;
  documentId: string | null;
  reference: string | null;
  issuedOn: string | null;
  expiresOn: string | null;
}

/** Where a criterion stands: `missing` when its evidence is not held, `expired` when what is held has expired. */
export interface CriterionStanding {
  documents: DocumentEvidence[];
  /** The earliest expiry among the documents that answer the criterion (null: none expires, or none held). */
  expiresOn: string | null;
  missing: boolean;
  expired: boolean;
  status: 'held' | 'expiring' | 'expired' | 'missing';
}

/**
 * The standing of a criterion on `today` from the organisation's current documents. All of `allOf` must be
 * held and in date; one of `anyOf` suffices (the best one answers: valid before expiring before expired).
 * `otherEvidence` says whether the service holds evidence of its own for it (contracts, outcomes): a
 * criterion without documents is missing without it; one whose only document is supporting (`anyOf` of
 * social value) is met by either.
 */
export function criterionStanding(
  criterion: (typeof TENDER_CRITERIA)[number],
  held: ReadonlyMap<ComplianceKind, HeldDocument>,
  today: string,
  otherEvidence = false,
): CriterionStanding {
  const evidence = (kind: ComplianceKind): DocumentEvidence => {
    const doc = held.get(kind);
    return {
      kind,
      status: documentStatus(doc ?? null, today),
      documentId: doc?.id ?? null,
      reference: doc?.reference ?? null,
      issuedOn: doc?.issuedOn ?? null,
      expiresOn: doc?.expiresOn ?? null,
    };
  };
  const RANK: Record<ComplianceStatus, number> = { valid: 0, expiring: 1, expired: 2, missing: 3 };
  let documents: DocumentEvidence[];
  let answering: DocumentEvidence[];
  if ('allOf' in criterion.documents) {
    documents = criterion.documents.allOf.map(evidence);
    answering = documents;
  } else {
    documents = criterion.documents.anyOf.map(evidence);
    const best = [...documents].sort((a, b) => RANK[a.status] - RANK[b.status])[0];
    answering = best ? [best] : [];
  }
  const missingDocument = answering.some((d) => d.status === 'missing');
  const expiredDocument = answering.some((d) => d.status === 'expired');
  const expiring = answering.some((d) => d.status === 'expiring');
  let missing: boolean;
  let expired: boolean;
  if (answering.length === 0) {
    // no document asked for: the service's own evidence answers
    missing = !otherEvidence;
    expired = false;
  } else if ('anyOf' in criterion.documents && !criterion.essential && otherEvidence) {
    // a supporting document: its absence is no gap when other evidence is held, its expiry still shows
    missing = false;
    expired = expiredDocument;
  } else {
    missing = missingDocument;
    expired = expiredDocument;
  }
  const expiries = answering.map((d) => d.expiresOn).filter((e): e is string => e !== null);
  const expiresOn = expiries.length ? expiries.sort()[0] : null;
  const status = missing ? 'missing' : expired ? 'expired' : expiring ? 'expiring' : 'held';
  return { documents, expiresOn, missing, expired, status };
}

/** How a compliance document is named in the pack. */
export const DOCUMENT_LABELS: Record<ComplianceKind, string> = {
  employers_liability_insurance: "Employer's liability insurance",
  public_liability_insurance: 'Public liability insurance',
  professional_indemnity_insurance: 'Professional indemnity insurance',
  safeguarding_policy: 'Safeguarding (child protection) policy',
  health_and_safety_policy: 'Health and safety policy',
  equality_policy: 'Equality policy',
  environmental_policy: 'Environmental policy',
  quality_assurance: 'Quality assurance (quality management system)',
  ofsted_registration: 'Ofsted registration',
  cqc_registration: 'Care Quality Commission registration',
  dbs_check: 'DBS checks (staff)',
  first_aid_training: 'First aid training (staff)',
  safeguarding_training: 'Safeguarding training (staff)',
  risk_assessment: 'Risk assessments (programmes)',
};

/** The staff checks and risk assessments shown under child protection (counted, no one named). */
export const STAFF_DOCUMENT_KINDS: readonly ComplianceKind[] = ['dbs_check', 'safeguarding_training', 'first_aid_training', 'risk_assessment'];
