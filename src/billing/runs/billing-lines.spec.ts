import {
  type BilledState,
  type BillingFacts,
  type BillingUnit,
  billingChanges,
  CANCELLED_SESSIONS_REASON,
  creditNoteFor,
  planBilling,
  SESSIONS_CREDIT_REASON,
  vatPerUnit,
} from './billing-lines.js';

const RUN_ON = '2026-11-26';
const autumn = { id: 'autumn', name: 'Autumn 2026', startsOn: '2026-09-01', endsOn: '2026-12-18', censusDate: '2026-10-01' };
const winter = { id: 'winter', name: 'Winter 2026', startsOn: '2026-12-19', endsOn: '2026-12-31', censusDate: '2026-12-20' };

/*
 * The pure part of billing: units with what they should be billed (from SQL, where the census rule, the
 * late-joiner rule and the split of a direct payment's price are defined: migrations/1764400000000 and
 * test/billing-rules.e2e-spec.ts) and what they have been billed; the differences become documents.
 */
const PRICES: Record<string, number> = { 'k-cambs': 45000, 'k-cambs-2': 30000, 'k-essex': 50001 };
const POS: Record<string, string | null> = { 'k-cambs': 'PO-CAMBS', 'k-cambs-2': 'PO-CAMBS-2', 'k-essex': null };

/** A registration's unit. `counted` (default true): what the SQL rules say it should be billed is its price, else 0. */
let n = 0;
function reg(overrides: Partial<BillingUnit> & { counted?: boolean } = {}): BillingUnit {
  n += 1;
  const { counted = true, ...rest } = overrides;
  const contractId = rest.contractId ?? 'k-cambs';
  return {
    registrationId: `r${String(n).padStart(3, '0')}`,
    unit: 'place',
    kind: 'census',
    sessionId: null,
    sessionDate: null,
    budgetId: `b${n}`,
    budgetReference: `PB-${String(n).padStart(3, '0')}`,
    budgetType: 'managed',
    councilId: null,
    commissionerId: 'cambs',
    contractId,
    programmeId: 'arts',
    termId: 'autumn',
    holderName: null,
    holderEmail: null,
    holderAddress: null,
    poNumber: POS[contractId],
    shouldPence: counted ? PRICES[contractId] : 0,
    billed: null,
    ...rest,
  };
}

const invoiced = (documentId: string, overrides: Partial<BilledState> = {}): BilledState => ({
  version: 1,
  netPence: 45000,
  vatPence: 0,
  lastInvoiceId: documentId,
  poNumber: 'PO-CAMBS',
  ...overrides,
});

function facts(registrations: BillingUnit[], overrides: Partial<BillingFacts> = {}): BillingFacts {
  return {
    runOn: RUN_ON,
    terms: [autumn, winter],
    programmes: [
      { id: 'arts', name: 'Arts Pioneers' },
      { id: 'club', name: 'Holiday Club' },
    ],
    contracts: [
      { id: 'k-cambs', commissionerId: 'cambs', vatRateBasisPoints: 0, vatTreatment: 'exempt' },
      { id: 'k-cambs-2', commissionerId: 'cambs', vatRateBasisPoints: 0, vatTreatment: 'exempt' },
      { id: 'k-essex', commissionerId: 'essex', vatRateBasisPoints: 2000, vatTreatment: 'standard' },
    ],
    commissioners: [
      { id: 'cambs', name: 'Cambridgeshire County Council', code: 'CAMBS', invoiceEmail: 'ap@cambs.example', address: 'Shire Hall', paymentTermsDays: 30 },
      { id: 'essex', name: 'Essex County Council', code: 'ESSEX', invoiceEmail: null, address: null, paymentTermsDays: 14 },
    ],
    units: registrations,
    ...overrides,
  };
}

describe('billing lines: the first run of a quarter', () => {
  const regs = [
    reg({ budgetReference: 'PB-C' }),
    reg({ budgetReference: 'PB-A' }),
    reg({ budgetReference: 'PB-B' }),
    reg({ commissionerId: 'essex', contractId: 'k-essex', budgetReference: 'ESX-1' }),
    // v1.1: a direct payment is billed by the session (here its one session of the quarter)
    reg({
      budgetType: 'direct_payment', budgetId: 'dp-1', budgetReference: 'DP-1', holderName: 'Alex Smith', holderEmail: 'alex@example.com',
      kind: 'sessions', unit: 's-1', sessionId: 's-1', sessionDate: '2026-10-10', poNumber: null,
    }),
    reg({ counted: false }), // the SQL rule says not billable (a place taken after the census and priced at 0, say)
    reg({ counted: false }), // withdrawn effective on the census date
  ];
  const documents = planBilling(facts(regs));

  it('invoices each commissioner once for its managed participants and each direct-payment budget holder once', () => {
    expect(documents.map((d) => [d.kind, d.recipient.type, d.recipient.name])).toEqual([
      ['invoice', 'commissioner', 'Cambridgeshire County Council'],
      ['invoice', 'commissioner', 'Essex County Council'],
      ['invoice', 'budget_holder', 'Alex Smith'],
    ]);
  });

  it('bills the census headcount: one line per programme-term, quantity × the contract price, each budget reference listed', () => {
    const cambs = documents.find((d) => d.recipient.commissionerId === 'cambs' && d.recipient.type === 'commissioner')!;
    expect(cambs).toMatchObject({
      issueDate: RUN_ON,
      dueDate: '2026-12-26',
      poNumber: 'PO-CAMBS',
      recipient: { email: 'ap@cambs.example', address: 'Shire Hall', customerCode: 'CAMBS', budgetId: null },
      netPence: 135000,
      vatPence: 0,
      totalPence: 135000,
      creditedDocumentId: null,
    });
    expect(cambs.lines).toHaveLength(1);
    expect(cambs.lines[0]).toMatchObject({
      programmeId: 'arts',
      termId: 'autumn',
      periodStart: '2026-09-01',
      periodEnd: '2026-12-18',
      quantity: 3,
      unitPence: 45000,
      amountPence: 135000,
      budgetReferences: ['PB-A', 'PB-B', 'PB-C'],
    });
    expect(cambs.lines[0].entries.map((e) => [e.budgetReference, e.version, e.change])).toEqual([
      ['PB-A', 1, 1],
      ['PB-B', 1, 1],
      ['PB-C', 1, 1],
    ]);
  });

  it('computes VAT per participant, rounded half up, and the due date from the commissioner’s payment terms', () => {
    const essex = documents.find((d) => d.recipient.commissionerId === 'essex')!;
    // 50001 × 20 % = 10000.2 → 10000 per participant
    expect(essex.lines[0]).toMatchObject({ quantity: 1, unitPence: 50001, vatUnitPence: 10000, vatPence: 10000 });
    expect(essex).toMatchObject({ netPence: 50001, vatPence: 10000, totalPence: 60001, dueDate: '2026-12-10', poNumber: null });
  });

  it('invoices a direct payment to its budget holder, by the session, quoting no purchase order', () => {
    const holder = documents.find((d) => d.recipient.type === 'budget_holder')!;
    expect(holder.poNumber).toBeNull();
    expect(holder.lines[0]).toMatchObject({ kind: 'sessions', quantity: 1, periodStart: '2026-10-10', periodEnd: '2026-10-10', budgetReferences: ['DP-1'] });
    expect(holder.recipient).toEqual({
      type: 'budget_holder',
      commissionerId: 'cambs',
      budgetId: 'dp-1',
      name: 'Alex Smith',
      email: 'alex@example.com',
      address: null,
      customerCode: 'DP-CAMBS-DP-1',
    });
    expect(holder.totalPence).toBe(45000);
  });

  it('gives the same documents whatever order the registrations come in', () => {
    const shuffled = [...regs].reverse();
    expect(planBilling(facts(shuffled))).toEqual(documents);
  });
});

describe('billing lines: VAT rounding', () => {
  it.each([
    [45000, 2000, 9000],
    [45001, 2000, 9000],
    [45003, 2000, 9001],
    [12345, 500, 617],
    [125, 1000, 13],
    [45000, 0, 0],
  ])('%i pence at %i basis points carries %i pence of VAT', (unit, bp, vat) => {
    expect(vatPerUnit(unit, bp)).toBe(vat);
  });

  it('keeps a line’s VAT equal to quantity × the unit’s VAT, so per-participant rows add up to the document', () => {
    const regs = Array.from({ length: 7 }, () => reg({ commissionerId: 'essex', contractId: 'k-essex' }));
    const [doc] = planBilling(facts(regs));
    expect(doc.lines[0]).toMatchObject({ quantity: 7, amountPence: 7 * 50001, vatPence: 7 * 10000 });
    expect(doc.totalPence).toBe(7 * 60001);
  });
});

describe('billing lines: grouping', () => {
  it('puts a commissioner’s programme-terms on one invoice, one line each, in term then programme order', () => {
    const regs = [
      reg({ termId: 'winter' }),
      reg({ programmeId: 'club' }),
      reg({ programmeId: 'arts' }),
    ];
    const docs = planBilling(facts(regs));
    expect(docs).toHaveLength(1);
    expect(docs[0].lines.map((l) => [l.termId, l.programmeId, l.quantity])).toEqual([
      ['autumn', 'arts', 1],
      ['autumn', 'club', 1],
      ['winter', 'arts', 1],
    ]);
    expect(docs[0].lines[2]).toMatchObject({ periodStart: '2026-12-19', periodEnd: '2026-12-31' });
  });

  it('gives each purchase order its own invoice (councils pay only invoices quoting their PO)', () => {
    const docs = planBilling(facts([reg(), reg({ contractId: 'k-cambs-2', programmeId: 'club' })]));
    expect(docs.map((d) => [d.recipient.name, d.poNumber, d.totalPence])).toEqual([
      ['Cambridgeshire County Council', 'PO-CAMBS', 45000],
      ['Cambridgeshire County Council', 'PO-CAMBS-2', 30000],
    ]);
  });

  it('gives late joiners a line of their own, at their pro-rata price', () => {
    const docs = planBilling(facts([reg(), reg({ kind: 'late_joiner', shouldPence: 22500 })]));
    expect(docs).toHaveLength(1);
    expect(docs[0].lines.map((l) => [l.kind, l.quantity, l.unitPence, l.amountPence])).toEqual([
      ['census', 1, 45000, 45000],
      ['late_joiner', 1, 22500, 22500],
    ]);
    expect(docs[0].lines[1].description).toMatch(/late joiners/);
  });
});

describe('billing lines: reruns bill only the differences', () => {
  it('issues nothing when nothing changed', () => {
    const regs = [reg({ billed: invoiced('inv-1') }), reg({ billed: invoiced('inv-1') })];
    expect(billingChanges(regs, facts([]).contracts)).toEqual([]);
    expect(planBilling(facts(regs))).toEqual([]);
  });

  it('credits a backdated withdrawal for exactly what was billed, even if the price has changed since', () => {
    const withdrawn = reg({ counted: false, billed: invoiced('inv-1', { netPence: 40000, vatPence: 8000, poNumber: 'PO-OLD' }) });
    const docs = planBilling(facts([reg({ billed: invoiced('inv-1') }), withdrawn]));
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      kind: 'credit_note',
      recipient: { type: 'commissioner', commissionerId: 'cambs' },
      poNumber: 'PO-OLD',
      dueDate: RUN_ON,
      creditedDocumentId: 'inv-1',
      netPence: 40000,
      vatPence: 8000,
      totalPence: 48000,
    });
    expect(docs[0].lines[0].entries).toEqual([
      expect.objectContaining({ registrationId: withdrawn.registrationId, version: 2, change: -1, amountPence: 40000, vatPence: 8000, reversesDocumentId: 'inv-1' }),
    ]);
  });

  it('does not credit a withdrawal effective after the census (the term stays billable)', () => {
    expect(planBilling(facts([reg({ billed: invoiced('inv-1') })]))).toEqual([]);
  });

  it('issues a supplementary invoice for a participant added to a billed census by a correction', () => {
    const added = reg();
    const docs = planBilling(facts([reg({ billed: invoiced('inv-1') }), added]));
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ kind: 'invoice', totalPence: 45000 });
    expect(docs[0].lines[0]).toMatchObject({ quantity: 1, budgetReferences: [added.budgetReference] });
    expect(docs[0].lines[0].entries[0]).toMatchObject({ version: 1, change: 1 });
  });

  it('invoices again, as version 3, a participant whose invoice was credited in full', () => {
    const docs = planBilling(facts([reg({ billed: { ...invoiced('inv-1'), version: 2, netPence: 0 } })]));
    expect(docs[0].lines[0].entries[0]).toMatchObject({ version: 3, change: 1 });
  });

  it('groups credit notes like invoices and leaves creditedDocumentId empty when they reverse several invoices', () => {
    const docs = planBilling(
      facts([
        reg({ counted: false, billed: invoiced('inv-1') }),
        reg({ counted: false, billed: invoiced('inv-2') }),
      ]),
    );
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ kind: 'credit_note', creditedDocumentId: null, totalPence: 90000 });
    expect(docs[0].lines[0].quantity).toBe(2);
  });

  it('numbers invoices before credit notes', () => {
    const docs = planBilling(facts([reg({ counted: false, billed: invoiced('inv-1') }), reg()]));
    expect(docs.map((d) => d.kind)).toEqual(['invoice', 'credit_note']);
  });
});

describe('billing lines: direct payments by the session', () => {
  const session = (id: string, date: string, should: number, overrides: Partial<BillingUnit> = {}) =>
    reg({
      registrationId: 'dp-place',
      budgetType: 'direct_payment', budgetId: 'dp-9', budgetReference: 'DP-9', holderName: 'Sam Jones', holderEmail: 'sam@example.com',
      holderAddress: '1 High Street\nCambridge\nCB1 1AA', kind: 'sessions', unit: id, sessionId: id, sessionDate: date, poNumber: null,
      contractId: 'k-essex', commissionerId: 'essex', shouldPence: should, ...overrides,
    });

  it('bills the quarter’s sessions on one line per programme-term: quantity = sessions, period = first to last, exact pennies', () => {
    const [doc] = planBilling(facts([session('s1', '2026-10-10', 3334), session('s2', '2026-11-14', 3333)]));
    expect(doc).toMatchObject({ kind: 'invoice', poNumber: null, recipient: { type: 'budget_holder', address: '1 High Street\nCambridge\nCB1 1AA' } });
    expect(doc.lines).toHaveLength(1);
    // VAT per session, rounded half up: 666.8 → 667, 666.6 → 667
    expect(doc.lines[0]).toMatchObject({
      kind: 'sessions', quantity: 2, unitPence: 3333, amountPence: 6667, vatPence: 1334, vatUnitPence: 667,
      periodStart: '2026-10-10', periodEnd: '2026-11-14', budgetReferences: ['DP-9'],
    });
    expect(doc.lines[0].entries.map((e) => [e.unit, e.amountPence, e.vatPence, e.version])).toEqual([
      ['s1', 3334, 667, 1],
      ['s2', 3333, 667, 1],
    ]);
  });

  it('credits exactly the sessions no longer covered, and re-prices a session whose share changed', () => {
    const billed = (doc: string, net: number, vat: number) => ({ version: 1, netPence: net, vatPence: vat, lastInvoiceId: doc, poNumber: null });
    const docs = planBilling(
      facts([
        session('s1', '2026-10-10', 3334, { billed: billed('inv-1', 3334, 667) }), // still covered
        session('s2', '2026-11-14', 0, { billed: billed('inv-1', 3333, 667) }), // after the withdrawal
        session('s3', '2026-12-12', 5000, { billed: billed('inv-2', 3333, 667) }), // re-priced up (a session was cancelled)
      ]),
    );
    expect(docs.map((d) => [d.kind, d.totalPence])).toEqual([
      ['invoice', 1667 + 333],
      ['credit_note', 3333 + 667],
    ]);
    expect(docs[1]).toMatchObject({ creditedDocumentId: 'inv-1', reason: SESSIONS_CREDIT_REASON });
    expect(docs[1].lines[0].entries).toEqual([expect.objectContaining({ unit: 's2', version: 2, change: -1, amountPence: 3333, vatPence: 667, reversesDocumentId: 'inv-1' })]);
    expect(docs[0].lines[0].entries).toEqual([expect.objectContaining({ unit: 's3', version: 2, change: 1, amountPence: 1667, vatPence: 333 })]);
  });
});

describe('a full credit of an invoice', () => {
  const invoice = {
    id: 'inv-9',
    number: 'INV-000009',
    poNumber: 'PO-CAMBS',
    recipient: {
      type: 'commissioner' as const,
      commissionerId: 'cambs',
      budgetId: null,
      name: 'Cambridgeshire County Council',
      email: null,
      address: null,
      customerCode: 'CAMBS',
    },
    lines: [
      {
        kind: 'census' as const,
        description: 'Arts Pioneers, Autumn 2026',
        programmeId: 'arts',
        termId: 'autumn',
        contractId: 'k-cambs',
        periodStart: '2026-09-01',
        periodEnd: '2026-12-18',
        unitPence: 45000,
        vatUnitPence: 9000,
        open: [
          { registrationId: 'r-2', version: 1, budgetReference: 'PB-2' },
          { registrationId: 'r-1', version: 3, budgetReference: 'PB-1' },
        ],
      },
      { ...{ description: 'Holiday Club', programmeId: 'club', termId: 'autumn', contractId: 'k-cambs', periodStart: '2026-09-01', periodEnd: '2026-12-18', unitPence: 45000, vatUnitPence: 9000 }, open: [] },
    ],
  };

  it('mirrors the invoice for every participant it still bills, reversing their ledger entries', () => {
    const cn = creditNoteFor(invoice, RUN_ON, 'Wrong PO')!;
    expect(cn).toMatchObject({
      kind: 'credit_note',
      creditedDocumentId: 'inv-9',
      reason: 'Wrong PO',
      poNumber: 'PO-CAMBS',
      netPence: 90000,
      vatPence: 18000,
      totalPence: 108000,
      issueDate: RUN_ON,
      dueDate: RUN_ON,
    });
    expect(cn.lines).toHaveLength(1);
    expect(cn.lines[0]).toMatchObject({ description: 'Credit of INV-000009: Arts Pioneers, Autumn 2026', quantity: 2, budgetReferences: ['PB-1', 'PB-2'] });
    expect(cn.lines[0].entries.map((e) => [e.registrationId, e.version, e.change, e.reversesDocumentId])).toEqual([
      ['r-1', 4, -1, 'inv-9'],
      ['r-2', 2, -1, 'inv-9'],
    ]);
  });

  it('has nothing to credit once every participant has been credited', () => {
    expect(creditNoteFor({ ...invoice, lines: invoice.lines.map((l) => ({ ...l, open: [] })) }, RUN_ON, 'again')).toBeNull();
  });
});

describe('the VAT wording of a document', () => {
  it('states the exemption in words for an exempt line', async () => {
    const { vatStatements, EXEMPT_VAT_STATEMENT } = await import('../pdf/invoice-pdf.js');
    expect(EXEMPT_VAT_STATEMENT).toBe('Exempt from VAT: welfare services supplied by a charity (VATA 1994 Schedule 9 Group 7)');
    expect(vatStatements({ lines: [{ vatTreatment: 'exempt' }] } as never)).toEqual([EXEMPT_VAT_STATEMENT]);
    expect(vatStatements({ lines: [{ vatTreatment: 'standard' }] } as never)).toEqual([]);
  });
});

describe('credits for cancelled sessions (unit kind cancelled_session)', () => {
  const cancelled = (place: BillingUnit, session: string, date: string, share: number, poNumber = 'PO-ESSEX-OLD'): BillingUnit => ({
    ...place,
    unit: `cancelled:${session}`,
    kind: 'cancelled_session',
    sessionId: session,
    sessionDate: date,
    shouldPence: -share,
    billed: { version: 0, netPence: 0, vatPence: 0, lastInvoiceId: 'inv-1', poNumber },
  });

  it('a credit note of the shares, on a line of its own kind, VAT per entry, reversing the place invoice under its PO', () => {
    const a = reg({ contractId: 'k-essex', commissionerId: 'essex' });
    const b = reg({ contractId: 'k-essex', commissionerId: 'essex' });
    const docs = planBilling(facts([cancelled(a, 's1', '2026-10-17', 1667), cancelled(b, 's1', '2026-10-17', 1667), cancelled(a, 's2', '2026-10-24', 1666)]));
    expect(docs).toHaveLength(1);
    const [cn] = docs;
    expect(cn).toMatchObject({ kind: 'credit_note', poNumber: 'PO-ESSEX-OLD', creditedDocumentId: 'inv-1', reason: CANCELLED_SESSIONS_REASON });
    expect(cn.lines).toHaveLength(1);
    expect(cn.lines[0]).toMatchObject({
      kind: 'cancelled_session',
      quantity: 3,
      amountPence: 1667 + 1667 + 1666,
      unitPence: 1666,
      vatPence: vatPerUnit(1667, 2000) * 2 + vatPerUnit(1666, 2000),
      periodStart: '2026-10-17',
      periodEnd: '2026-10-24',
    });
    expect(cn.lines[0].budgetReferences).toEqual([a.budgetReference, b.budgetReference]);
    expect(cn.lines[0].entries.every((e) => e.change === -1 && e.version === 1 && e.reversesDocumentId === 'inv-1')).toBe(true);
    expect(cn.totalPence).toBe(cn.netPence + cn.vatPence);
  });

  it('beside a backdated withdrawal on one credit note: two lines, both reasons', () => {
    const withdrawn = reg({ counted: false, billed: invoiced('inv-1') });
    const other = reg();
    const docs = planBilling(facts([withdrawn, cancelled(other, 's1', '2026-10-17', 4500, 'PO-CAMBS')]));
    const credits = docs.filter((d) => d.kind === 'credit_note');
    expect(credits).toHaveLength(1);
    expect(credits[0].lines.map((l) => l.kind)).toEqual(['census', 'cancelled_session']);
    expect(credits[0].reason).toContain(CANCELLED_SESSIONS_REASON);
  });
});
