/**
 * Response examples of the API description: one small, consistent story (a Saturday arts club at
 * Riverside, autumn term 2026, Jamie Smith on a place paid by Northshire Council). `npm run
 * openapi:check` validates every example against its schema (Redocly's no-invalid-media-type-examples).
 */

const ID = {
  commissioner: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a01',
  contract: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a02',
  programme: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a03',
  term: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a04',
  participant: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a05',
  budget: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a06',
  registration: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a07',
  session: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a08',
  user: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a09',
  caseNote: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a0a',
  billingRun: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b',
  invoice: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a0c',
  commissioner2: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a0d',
  registration2: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a0e',
  participant2: '0192f6a0-1c2d-7e3f-8a4b-5c6d7e8f9a0f',
} as const;

const PRICE_PER_TERM_PENCE = 45000;

const participant = {
  id: ID.participant,
  firstName: 'Jamie',
  lastName: 'Smith',
  dateOfBirth: '2013-05-14',
  guardians: [{ name: 'Alex Smith', relationship: 'mother', phone: '07700 900123', email: 'alex@example.org' }],
  emergencyContacts: [{ name: 'Sam Smith', relationship: 'uncle', phone: '07700 900456' }],
  needs: 'Prefers a quiet space at lunch; ear defenders in the hall',
  medicalNotes: 'Asthma: blue inhaler in bag',
  photoConsent: true,
  supportLevel: 'group',
  councilIds: [{ commissionerId: ID.commissioner, id: 'MOSAIC-448812' }],
  erasedAt: null,
  createdAt: '2026-08-03T09:15:00.000Z',
  updatedAt: '2026-08-03T09:15:00.000Z',
};

const programme = {
  id: ID.programme,
  name: 'Saturday Arts Club',
  venue: 'Riverside Centre',
  minAge: 8,
  maxAge: 14,
  capacity: 12,
  groupRatio: 4,
  description: 'Painting, printmaking and clay, 10:00 to 15:00',
  createdAt: '2026-07-01T10:00:00.000Z',
  updatedAt: '2026-07-01T10:00:00.000Z',
};

const term = {
  id: ID.term,
  name: 'Autumn 2026',
  startsOn: '2026-09-05',
  endsOn: '2026-12-12',
  censusDate: '2026-10-01',
  createdAt: '2026-07-01T10:05:00.000Z',
};

const registration = {
  id: ID.registration,
  participantId: ID.participant,
  programmeId: ID.programme,
  termId: ID.term,
  budgetId: ID.budget,
  contractId: ID.contract,
  status: 'registered',
  waitlistPosition: null,
  pricePence: PRICE_PER_TERM_PENCE,
  committedPence: PRICE_PER_TERM_PENCE,
  registeredOn: '2026-08-10',
  withdrawnAt: null,
  withdrawalEffectiveOn: null,
  withdrawalReason: null,
  createdAt: '2026-08-10T14:02:11.000Z',
};

const caseNote = {
  id: ID.caseNote,
  participantId: ID.participant,
  category: 'progress',
  body: 'Finished a clay tile and showed it to the group; asked to take it home.',
  occurredAt: '2026-10-10T11:30:00.000Z',
  sessionId: ID.session,
  version: 1,
  author: { kind: 'user', id: ID.user, name: 'Priya Patel' },
  authorName: null,
  createdAt: '2026-10-10T15:20:00.000Z',
  updatedAt: '2026-10-10T15:20:00.000Z',
};

const billingRun = {
  id: ID.billingRun,
  quarter: '2026-Q4',
  status: 'completed',
  invoiceIds: [ID.invoice],
  creditNoteIds: [],
  totalPence: 3 * PRICE_PER_TERM_PENCE,
  error: null,
  runOn: '2026-10-02',
  attempts: 1,
  trigger: 'api',
  invoiceCount: 1,
  creditNoteCount: 0,
  createdAt: '2026-10-02T08:00:00.000Z',
  startedAt: '2026-10-02T08:00:01.000Z',
  completedAt: '2026-10-02T08:00:03.000Z',
};

const invoiceLine = {
  kind: 'census',
  description: 'Saturday Arts Club, Autumn 2026: places counted at the census on 2026-10-01',
  programmeId: ID.programme,
  termId: ID.term,
  contractId: ID.contract,
  periodStart: '2026-09-05',
  periodEnd: '2026-12-12',
  quantity: 3,
  unitPence: PRICE_PER_TERM_PENCE,
  amountPence: 3 * PRICE_PER_TERM_PENCE,
  vatUnitPence: 0,
  vatPence: 0,
  budgetReferences: ['NC-SB-1042', 'NC-SB-1043', 'NC-SB-1051'],
  references: [
    { budgetReference: 'NC-SB-1042', councilId: 'MOSAIC-448812' },
    { budgetReference: 'NC-SB-1043', councilId: 'MOSAIC-450031' },
    { budgetReference: 'NC-SB-1051', councilId: null },
  ],
  vatTreatment: 'exempt',
  vatRateBasisPoints: 0,
  nominalCode: '4000',
  departmentCode: 'SB',
};

const invoice = {
  id: ID.invoice,
  number: 'INV-000001',
  kind: 'invoice',
  billingRunId: ID.billingRun,
  recipient: {
    type: 'commissioner',
    commissionerId: ID.commissioner,
    name: 'Northshire Council',
    email: 'invoices@northshire.example.gov.uk',
    address: 'County Hall, Northshire NS1 1AA',
    customerCode: 'NSC',
  },
  issueDate: '2026-10-02',
  dueDate: '2026-11-01',
  poNumber: 'PO-77310',
  lines: [invoiceLine],
  netPence: 3 * PRICE_PER_TERM_PENCE,
  vatPence: 0,
  totalPence: 3 * PRICE_PER_TERM_PENCE,
  creditedDocumentId: null,
  reason: null,
  status: 'issued',
  paidPence: 0,
  creditedPence: 0,
  balancePence: 3 * PRICE_PER_TERM_PENCE,
  createdAt: '2026-10-02T08:00:02.000Z',
};

const headcount = {
  programmeId: ID.programme,
  termId: ID.term,
  censusDate: '2026-10-01',
  count: 4,
  byCommissioner: [
    {
      commissionerId: ID.commissioner,
      commissionerName: 'Cambridgeshire County Council',
      count: 3,
      managedCount: 3,
      directPaymentCount: 0,
      pricePerTermPence: PRICE_PER_TERM_PENCE,
      incomePence: 3 * PRICE_PER_TERM_PENCE,
    },
    {
      commissionerId: ID.commissioner2,
      commissionerName: 'Suffolk County Council',
      count: 1,
      managedCount: 0,
      directPaymentCount: 1,
      pricePerTermPence: 42000,
      incomePence: 42000,
    },
  ],
  minParticipants: 4,
  belowMinimum: false,
  lateJoiners: 0,
  frozen: true,
};

const uptake = {
  programmeId: ID.programme,
  termId: ID.term,
  censusDate: '2026-10-01',
  places: 12,
  registered: 4,
  waitlisted: 0,
  headcountSoFar: 4,
  minParticipants: 4,
  belowMinimum: false,
  projectedIncomePence: 3 * PRICE_PER_TERM_PENCE + 42000,
  sessions: [{ id: ID.session, date: '2026-10-10', startTime: '10:00', endTime: '15:00', capacity: 12, booked: 4, available: 8 }],
};

const page = <T>(item: T) => ({ items: [item], nextCursor: null });

export const EXAMPLES = {
  participant,
  participantPage: page(participant),
  programme,
  programmePage: page(programme),
  term,
  termPage: page(term),
  registration,
  registrationWaitlisted: { ...registration, status: 'waitlisted', waitlistPosition: 1, committedPence: 0 },
  registrationWithdrawn: {
    ...registration,
    status: 'withdrawn',
    committedPence: 0,
    withdrawnAt: '2026-09-20T10:00:00.000Z',
    withdrawalEffectiveOn: '2026-09-20',
    withdrawalReason: 'Family moved away',
    promoted: { registrationId: ID.registration2, participantId: ID.participant2 },
  },
  registrationPage: page(registration),
  headcount,
  uptake,
  caseNote,
  caseNotePage: page(caseNote),
  billingRun,
  billingRunQueued: {
    ...billingRun,
    status: 'queued',
    invoiceIds: [],
    totalPence: 0,
    runOn: null,
    attempts: 0,
    invoiceCount: 0,
    startedAt: null,
    completedAt: null,
  },
  billingRunPage: page(billingRun),
  invoice,
  invoicePage: page(invoice),
};
