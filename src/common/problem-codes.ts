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
  PayloadTooLarge: 'payload-too-large',
  Unavailable: 'unavailable',
  DependencyUnavailable: 'dependency-unavailable',
  RequestTimeout: 'request-timeout',
  ShuttingDown: 'shutting-down',

  // Fallbacks of ProblemDetailsFilter: a response with one of these is a fault to fix (a constraint no
  // withConstraints() names, an HttpException no service should throw, an unexpected error)
  Duplicate: 'duplicate',
  MissingReference: 'missing-reference',
  ConstraintViolated: 'constraint-violated',
  Conflict: 'conflict',
  RuleBroken: 'rule-broken',
  MethodNotAllowed: 'method-not-allowed',
  InternalError: 'internal-error',

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

/** The statuses a problem is answered with. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 405 | 406 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

export interface ProblemEntry {
  /** The one HTTP status this code is answered with. */
  readonly status: ProblemStatus;
  /** What the code means, as the API description says it beside each response that may carry it. */
  readonly summary: string;
}

/**
 * Each code's status and meaning: exactly one entry per code (the `satisfies` refuses a missing code,
 * an unknown one, and an entry without its status). conflict() takes only the 409 codes of this table
 * and ruleBroken()/ruleBrokenOn() only the 422 ones; @ApiProblems(...codes) documents an operation's
 * codes under these statuses.
 */
export const PROBLEM_CATALOGUE = {
  [ProblemCode.InvalidRequest]: { status: 400, summary: 'a field fails validation (each named in `errors`), an unknown field, malformed JSON or a malformed id' },
  [ProblemCode.Unauthorized]: { status: 401, summary: 'missing, unknown or revoked token' },
  [ProblemCode.Forbidden]: { status: 403, summary: 'the role or scopes of the token do not allow this' },
  [ProblemCode.NotFound]: { status: 404, summary: 'no such record' },
  [ProblemCode.NotAcceptable]: { status: 406, summary: 'the Accept header allows none of the media types offered' },
  [ProblemCode.UnsupportedMediaType]: { status: 415, summary: 'the body is not JSON encoded as UTF-8 (or is compressed)' },
  [ProblemCode.TooManyRequests]: { status: 429, summary: 'too many requests from this integration key: wait the seconds Retry-After says' },
  [ProblemCode.PayloadTooLarge]: { status: 413, summary: 'the body is larger than the 1 MB limit' },
  [ProblemCode.Unavailable]: { status: 503, summary: 'the service cannot answer this now (a dependency it needs is not answering): retry after the seconds Retry-After says' },
  [ProblemCode.DependencyUnavailable]: { status: 503, summary: 'PostgreSQL or Redis is not answering: nothing was done; retry after the seconds Retry-After says' },
  [ProblemCode.RequestTimeout]: { status: 503, summary: 'the request ran out of time and was abandoned: read back before repeating a change' },
  [ProblemCode.ShuttingDown]: { status: 503, summary: 'this process is shutting down: send the request again' },

  [ProblemCode.Duplicate]: { status: 409, summary: 'a duplicate the service did not word (a fault: report it)' },
  [ProblemCode.MissingReference]: { status: 422, summary: 'a reference to a missing record the service did not word (a fault: report it)' },
  [ProblemCode.ConstraintViolated]: { status: 422, summary: 'a rule of the data the service did not word (a fault: report it)' },
  [ProblemCode.Conflict]: { status: 409, summary: 'a conflict the service did not word (a fault: report it)' },
  [ProblemCode.RuleBroken]: { status: 422, summary: 'a rule the service did not word (a fault: report it)' },
  [ProblemCode.MethodNotAllowed]: { status: 405, summary: 'the method is not allowed on this path' },
  [ProblemCode.InternalError]: { status: 500, summary: 'something went wrong on our side; the request id identifies it in the logs' },

  [ProblemCode.DuplicateCommissionerCode]: { status: 409, summary: 'another commissioner has this code' },
  [ProblemCode.UnknownCommissioner]: { status: 422, summary: 'no commissioner with the id given' },
  [ProblemCode.ContractDates]: { status: 422, summary: 'the contract ends before it starts, or its dates cut off one of its periods' },
  [ProblemCode.ContractOverlap]: { status: 422, summary: "the contract overlaps another of the commissioner's contracts for the same programme" },
  [ProblemCode.ContractInUse]: { status: 422, summary: 'registrations or documents use the contract: its price is fixed, its dates must still cover them, a new period starts after the last term using it' },
  [ProblemCode.ContractExtension]: { status: 422, summary: "an extension does not shorten the contract, and its new period starts after the contract's start and on or before its new end" },
  [ProblemCode.VatTreatmentRate]: { status: 422, summary: 'only a standard-rated contract has a VAT rate' },
  [ProblemCode.DuplicateContractReference]: { status: 409, summary: 'the commissioner already has a contract with this reference' },
  [ProblemCode.UnknownProgramme]: { status: 422, summary: 'no programme with the id given' },
  [ProblemCode.AgeRange]: { status: 422, summary: 'maxAge is below minAge' },
  [ProblemCode.CapacityBelowRegistered]: { status: 422, summary: 'the capacity would not fit the participants already registered for a term' },
  [ProblemCode.TermDates]: { status: 422, summary: 'the term ends before it starts' },
  [ProblemCode.CensusOutsideTerm]: { status: 422, summary: 'the census date is outside the term' },
  [ProblemCode.TermOverlap]: { status: 422, summary: 'the term overlaps another term' },
  [ProblemCode.TermBilled]: { status: 422, summary: 'the term has been billed on its census: the census date no longer moves' },
  [ProblemCode.CensusSettlesWithdrawals]: { status: 422, summary: 'moving the census would change how withdrawals already made are settled' },
  [ProblemCode.SessionsOutsideTerm]: { status: 422, summary: 'the new dates would leave sessions outside the term' },
  [ProblemCode.RegistrationsOutsideTerm]: { status: 422, summary: 'the new dates would leave registrations or withdrawals outside the term' },
  [ProblemCode.DuplicateSession]: { status: 409, summary: 'the programme already has a session at this date and time' },
  [ProblemCode.NoTermForDate]: { status: 422, summary: 'no term contains the date' },
  [ProblemCode.SessionTimes]: { status: 422, summary: 'endTime is not after startTime' },
  [ProblemCode.MakeUpExists]: { status: 409, summary: 'the cancelled session already has a make-up session' },
  [ProblemCode.UnknownReplacedSession]: { status: 422, summary: 'no session of this programme with the replacesSessionId given' },
  [ProblemCode.ReplacedSessionNotCancelled]: { status: 422, summary: 'only a cancelled session is made up' },
  [ProblemCode.BudgetDates]: { status: 422, summary: 'validTo is before validFrom' },
  [ProblemCode.HolderAddressNotDirectPayment]: { status: 422, summary: 'only a direct payment has a holder address' },
  [ProblemCode.DuplicateBudgetReference]: { status: 409, summary: 'the commissioner already has a budget with this reference' },
  [ProblemCode.DuplicateEmail]: { status: 409, summary: 'a user with this email already exists' },

  [ProblemCode.ParticipantErased]: { status: 422, summary: 'the participant has been erased: nothing new is recorded about them' },
  [ProblemCode.UnknownParticipant]: { status: 422, summary: 'no participant with the id given' },
  [ProblemCode.UnknownTerm]: { status: 422, summary: 'no term with the id given' },
  [ProblemCode.UnknownBudget]: { status: 422, summary: 'no budget with the id given' },
  [ProblemCode.AgeOutOfRange]: { status: 422, summary: "the participant's age on the term's first day is outside the programme's range" },
  [ProblemCode.BudgetNotParticipants]: { status: 422, summary: "the budget is not the participant's" },
  [ProblemCode.BudgetNotValidForTerm]: { status: 422, summary: 'the budget is not valid for the whole term' },
  [ProblemCode.NoContractCoversProgramme]: { status: 422, summary: "no contract of the budget's commissioner covers the programme for the term" },
  [ProblemCode.InsufficientBudget]: { status: 422, summary: "the budget's uncommitted money is less than the termly price" },
  [ProblemCode.AlreadyRegistered]: { status: 409, summary: 'the participant already has an active registration for the programme and term' },
  [ProblemCode.AlreadyWithdrawn]: { status: 422, summary: 'the registration is already withdrawn' },
  [ProblemCode.WithdrawalOutsideTerm]: { status: 422, summary: 'effectiveOn is outside the term' },
  [ProblemCode.TermEnded]: { status: 422, summary: 'the term has ended: give registeredOn to record a past registration' },
  [ProblemCode.RegisteredOnInFuture]: { status: 422, summary: 'registeredOn is in the future' },
  [ProblemCode.RegisteredOnAfterTerm]: { status: 422, summary: 'registeredOn is after the term ends' },

  [ProblemCode.NotRegisteredForSession]: { status: 422, summary: "the participant is not registered for the session's programme and term" },
  [ProblemCode.UnknownSession]: { status: 422, summary: 'no session with the id given' },
  [ProblemCode.SessionNotRegistered]: { status: 422, summary: "the participant has no place on the session's programme and term" },
  [ProblemCode.IdempotencyKeyReused]: { status: 409, summary: 'the Idempotency-Key was already used with a different request' },
  [ProblemCode.IdempotencyKeyInProgress]: { status: 409, summary: 'a request with this Idempotency-Key is still being processed: retry shortly' },

  [ProblemCode.SessionAlreadyCancelled]: { status: 409, summary: 'the session is already cancelled' },
  [ProblemCode.SessionCancelled]: { status: 422, summary: 'the session is cancelled' },
  [ProblemCode.OffSiteConsentMissing]: { status: 422, summary: 'present or late on an off-site session needs a current consent to off-site trips' },
  [ProblemCode.ConsentExpiryBeforeRecorded]: { status: 422, summary: 'expiresOn is before recordedOn' },
  [ProblemCode.NotASupportWorker]: { status: 422, summary: 'only support workers are rostered on sessions' },
  [ProblemCode.DbsCheckRequired]: { status: 422, summary: "the support worker's DBS check does not cover the session's date" },
  [ProblemCode.UnknownSubject]: { status: 422, summary: 'no user or programme with the subjectId given' },
  [ProblemCode.ExpiryBeforeIssue]: { status: 422, summary: 'expiresOn is before issuedOn' },
  [ProblemCode.DbsNeededByRoster]: { status: 422, summary: 'the DBS check would no longer cover a session its holder is rostered on' },

  [ProblemCode.ReferralNeedsParticipant]: { status: 422, summary: 'an accepted referral names a participant' },
  [ProblemCode.ReferralAlreadyDecided]: { status: 409, summary: 'the referral has been decided already' },
  [ProblemCode.ReferralParticipantMismatch]: { status: 422, summary: 'the referral already names another participant' },
  [ProblemCode.ArtsAwardNeedsLevel]: { status: 422, summary: 'an Arts Award names its level' },
  [ProblemCode.LevelOnlyForArtsAward]: { status: 422, summary: 'only an Arts Award has a level' },
  [ProblemCode.AchievedOnOnlyWhenAchieved]: { status: 422, summary: 'an outcome worked towards has no achievement date' },
  [ProblemCode.EvidenceNotOfParticipant]: { status: 422, summary: 'an evidence note is not a case note of this participant' },

  [ProblemCode.BillingRunActive]: { status: 409, summary: 'another run of this quarter is queued or running' },
  [ProblemCode.BillingRunNotFailed]: { status: 409, summary: 'only a failed run, or a running one whose worker has gone, can be retried' },
  [ProblemCode.BillingRunBusy]: { status: 409, summary: 'runs of this quarter keep finishing as the request arrives: try again' },
  [ProblemCode.NotAnInvoice]: { status: 422, summary: 'the document is a credit note: only invoices are credited or paid' },
  [ProblemCode.AlreadyCredited]: { status: 409, summary: 'every participant on the invoice has already been credited' },
  [ProblemCode.Overpayment]: { status: 422, summary: 'the amount is more than is outstanding on the invoice' },
  [ProblemCode.PaymentInFuture]: { status: 422, summary: 'receivedOn is in the future' },
  [ProblemCode.PaymentBeforeIssue]: { status: 422, summary: 'receivedOn is before the invoice was issued' },
  [ProblemCode.UnknownInvoice]: { status: 422, summary: 'no invoice with the id given' },
  [ProblemCode.NotTheCommissionersInvoice]: { status: 422, summary: "the invoice is not the remittance commissioner's" },
  [ProblemCode.DuplicateAllocation]: { status: 422, summary: 'an invoice is listed twice' },
  [ProblemCode.AllocationExceedsOutstanding]: { status: 422, summary: 'an allocation is more than is outstanding on its invoice' },
  [ProblemCode.AllocationExceedsRemittance]: { status: 422, summary: 'the allocations add up to more than the remittance has unallocated' },
  [ProblemCode.RemittanceInFuture]: { status: 422, summary: 'receivedOn is in the future' },
  [ProblemCode.NothingOnAccount]: { status: 422, summary: 'the remittance has nothing left on account' },
  [ProblemCode.NotADirectPaymentBudget]: { status: 422, summary: 'statements are only for direct-payment budgets' },
} as const satisfies { readonly [C in ProblemCode]: ProblemEntry };

/** The codes answered with `status` (conflict() takes the 409 ones, ruleBroken() the 422 ones). */
export type ProblemCodeOf<S extends ProblemStatus> = { [C in ProblemCode]: (typeof PROBLEM_CATALOGUE)[C]['status'] extends S ? C : never }[ProblemCode];

/** The status `code` is answered with. */
export function statusOf(code: ProblemCode): ProblemStatus {
  return PROBLEM_CATALOGUE[code].status;
}
