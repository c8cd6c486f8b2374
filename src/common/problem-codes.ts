/**
 * Every problem code the service answers with, in one place (API.md lists them per operation). A
 * problem's `type` is PROBLEM_TYPE_BASE + code. conflict(), ruleBroken() and ruleBrokenOn() take only
 * these, so a new refusal starts here: add its code under its module, then throw it from the service
 * (or name the constraint that holds it in withConstraints()). Codes never change once published.
 */
export const ProblemCode = {
  // Any request (problem.ts, the HTTP layer)
  InvalidRequest: 'invalid-request',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not-found',
  NotAcceptable: 'not-acceptable',
  UnsupportedMediaType: 'unsupported-media-type',
  TooManyRequests: 'too-many-requests',
  Unavailable: 'unavailable',
  DependencyUnavailable: 'dependency-unavailable',
  RequestTimeout: 'request-timeout',

  // Reference data: commissioners, contracts, terms, programmes, sessions, budgets, users
  DuplicateCommissionerCode: 'duplicate-commissioner-code',
  UnknownCommissioner: 'unknown-commissioner',
  ContractDates: 'contract-dates',
  ContractOverlap: 'contract-overlap',
  ContractInUse: 'contract-in-use',
  ContractExtension: 'contract-extension',
  VatTreatmentRate: 'vat-treatment-rate',
  DuplicateContractReference: 'duplicate-contract-reference',
  UnknownProgramme: 'unknown-programme',
  AgeRange: 'age-range',
  CapacityBelowRegistered: 'capacity-below-registered',
  TermDates: 'term-dates',
  CensusOutsideTerm: 'census-outside-term',
  TermOverlap: 'term-overlap',
  TermBilled: 'term-billed',
  CensusSettlesWithdrawals: 'census-settles-withdrawals',
  SessionsOutsideTerm: 'sessions-outside-term',
  RegistrationsOutsideTerm: 'registrations-outside-term',
  DuplicateSession: 'duplicate-session',
  NoTermForDate: 'no-term-for-date',
  SessionTimes: 'session-times',
  MakeUpExists: 'make-up-exists',
  UnknownReplacedSession: 'unknown-replaced-session',
  ReplacedSessionNotCancelled: 'replaced-session-not-cancelled',
  BudgetDates: 'budget-dates',
  HolderAddressNotDirectPayment: 'holder-address-not-direct-payment',
  DuplicateBudgetReference: 'duplicate-budget-reference',
  DuplicateEmail: 'duplicate-email',

  // Participants and registrations
  ParticipantErased: 'participant-erased',
  UnknownParticipant: 'unknown-participant',
  UnknownTerm: 'unknown-term',
  UnknownBudget: 'unknown-budget',
  AgeOutOfRange: 'age-out-of-range',
  BudgetNotParticipants: 'budget-not-participants',
  BudgetNotValidForTerm: 'budget-not-valid-for-term',
  NoContractCoversProgramme: 'no-contract-covers-programme',
  InsufficientBudget: 'insufficient-budget',
  AlreadyRegistered: 'already-registered',
  AlreadyWithdrawn: 'already-withdrawn',
  WithdrawalOutsideTerm: 'withdrawal-outside-term',
  TermEnded: 'term-ended',
  RegisteredOnInFuture: 'registered-on-in-future',
  RegisteredOnAfterTerm: 'registered-on-after-term',

  // Attendance and case notes
  NotRegisteredForSession: 'not-registered-for-session',
  UnknownSession: 'unknown-session',
  SessionNotRegistered: 'session-not-registered',
  IdempotencyKeyReused: 'idempotency-key-reused',
  IdempotencyKeyInProgress: 'idempotency-key-in-progress',

  // Running a session: cancellation, consents, the rota, compliance documents
  SessionAlreadyCancelled: 'session-already-cancelled',
  /** Attendance on a cancelled session (the attendance trigger's constraint attendance_session_not_cancelled); rostering on one. */
  SessionCancelled: 'session-cancelled',
  /** Present or late on an off-site session without a current off_site_trips consent (constraint attendance_off_site_consent). */
  OffSiteConsentMissing: 'off-site-consent-missing',
  ConsentExpiryBeforeRecorded: 'consent-expiry-before-recorded',
  NotASupportWorker: 'not-a-support-worker',
  DbsCheckRequired: 'dbs-check-required',
  UnknownSubject: 'unknown-subject',
  ExpiryBeforeIssue: 'expiry-before-issue',
  /** A DBS check changed (or replaced) so that it no longer covers a session its holder is rostered on. */
  DbsNeededByRoster: 'dbs-needed-by-roster',

  // Referrals and outcomes
  ReferralNeedsParticipant: 'referral-needs-participant',
  ReferralAlreadyDecided: 'referral-already-decided',
  ReferralParticipantMismatch: 'referral-participant-mismatch',
  ArtsAwardNeedsLevel: 'arts-award-needs-level',
  LevelOnlyForArtsAward: 'level-only-for-arts-award',
  AchievedOnOnlyWhenAchieved: 'achieved-on-only-when-achieved',
  EvidenceNotOfParticipant: 'evidence-not-of-participant',

  // Billing, payments, remittances, statements
  BillingRunActive: 'billing-run-active',
  BillingRunNotFailed: 'billing-run-not-failed',
  BillingRunBusy: 'billing-run-busy',
  NotAnInvoice: 'not-an-invoice',
  AlreadyCredited: 'already-credited',
  Overpayment: 'overpayment',
  PaymentInFuture: 'payment-in-future',
  PaymentBeforeIssue: 'payment-before-issue',
  UnknownInvoice: 'unknown-invoice',
  NotTheCommissionersInvoice: 'not-the-commissioners-invoice',
  DuplicateAllocation: 'duplicate-allocation',
  AllocationExceedsOutstanding: 'allocation-exceeds-outstanding',
  AllocationExceedsRemittance: 'allocation-exceeds-remittance',
  RemittanceInFuture: 'remittance-in-future',
  NothingOnAccount: 'nothing-on-account',
  NotADirectPaymentBudget: 'not-a-direct-payment-budget',
} as const;

export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];
