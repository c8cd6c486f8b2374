import {
  type BilledState,
  type BillingFacts,
  type BillingRegistration,
  billingChanges,
  creditNoteFor,
  planBilling,
  vatPerUnit,
} from './billing-lines.js';

const RUN_ON = '2026-11-26';
const autumn = { id: 'autumn', name: 'Autumn 2026', startsOn: '2026-09-01', endsOn: '2026-12-18', censusDate: '2026-10-01' };
const winter = { id: 'winter', name: 'Winter 2026', startsOn: '2026-12-19', endsOn: '2026-12-31', censusDate: '2026-12-20' };

let n = 0;
function reg(overrides: Partial<BillingRegistration> = {}): BillingRegistration {
  n += 1;
  return {
    registrationId: `r${String(n).padStart(3, '0')}`,
    participantId: `p${n}`,
    budgetId: `b${n}`,
    budgetReference: `PB-${String(n).padStart(3, '0')}`,
    budgetType: 'managed',
    commissionerId: 'cambs',
    contractId: 'k-cambs',
    programmeId: 'arts',
    termId: 'autumn',
    registeredOn: '2026-09-01',
    withdrawalEffectiveOn: null,
    holderName: null,
    holderEmail: null,
    billed: null,
    ...overrides,
  };
}

const invoiced = (documentId: string, overrides: Partial<BilledState> = {}): BilledState => ({
  version: 1,
  change: 1,
  documentId,
  unitPence: 45000,
  vatUnitPence: 0,
  poNumber: 'PO-CAMBS',
  ...overrides,
});

function facts(registrations: BillingRegistration[], overrides: Partial<BillingFacts> = {}): BillingFacts {
  return {
    runOn: RUN_ON,
    terms: [autumn, winter],
    programmes: [
      { id: 'arts', name: 'Arts Pioneers' },
      { id: 'club', name: 'Holiday Club' },
    ],
    contracts: [
      { id: 'k-cambs', commissionerId: 'cambs', pricePerTermPence: 45000, poNumber: 'PO-CAMBS', vatRateBasisPoints: 0 },
      { id: 'k-cambs-2', commissionerId: 'cambs', pricePerTermPence: 30000, poNumber: 'PO-CAMBS-2', vatRateBasisPoints: 0 },
      { id: 'k-essex', commissionerId: 'essex', pricePerTermPence: 50001, poNumber: null, vatRateBasisPoints: 2000 },
    ],
    commissioners: [
      { id: 'cambs', name: 'Cambridgeshire County Council', code: 'CAMBS', invoiceEmail: 'ap@cambs.example', address: 'Shire Hall', paymentTermsDays: 30 },
      { id: 'essex', name: 'Essex County Council', code: 'ESSEX', invoiceEmail: null, address: null, paymentTermsDays: 14 },
    ],
    registrations,
    ...overrides,
  };
}

describe('billing lines: the first run of a quarter', () => {
  const regs = [
    reg({ budgetReference: 'PB-C' }),
    reg({ budgetReference: 'PB-A' }),
    reg({ budgetReference: 'PB-B' }),
    reg({ commissionerId: 'essex', contractId: 'k-essex', budgetReference: 'ESX-1' }),
    reg({ budgetType: 'direct_payment', budgetId: 'dp-1', budgetReference: 'DP-1', holderName: 'Alex Smith', holderEmail: 'alex@example.com' }),
    reg({ registeredOn: '2026-10-02' }), // took the place after the census
    reg({ withdrawalEffectiveOn: '2026-10-01' }), // withdrawn effective on the census date
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

  it('invoices a direct payment to its budget holder', () => {
    const holder = documents.find((d) => d.recipient.type === 'budget_holder')!;
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
      reg({ termId: 'winter', registeredOn: '2026-12-01' }),
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

  it('ignores registrations of terms the run does not bill', () => {
    expect(planBilling(facts([reg({ termId: 'spring' })]))).toEqual([]);
  });
});

describe('billing lines: reruns bill only the differences', () => {
  it('issues nothing when nothing changed', () => {
    const regs = [reg({ billed: invoiced('inv-1') }), reg({ billed: invoiced('inv-1') })];
    expect(billingChanges(regs, [autumn])).toEqual([]);
    expect(planBilling(facts(regs))).toEqual([]);
  });

  it('credits a backdated withdrawal for exactly what was billed, even if the price has changed since', () => {
    const withdrawn = reg({ withdrawalEffectiveOn: '2026-09-20', billed: invoiced('inv-1', { unitPence: 40000, vatUnitPence: 8000, poNumber: 'PO-OLD' }) });
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
    expect(planBilling(facts([reg({ withdrawalEffectiveOn: '2026-10-02', billed: invoiced('inv-1') })]))).toEqual([]);
  });

  it('issues a supplementary invoice for a participant added to a billed census by a correction', () => {
    const added = reg({ registeredOn: '2026-09-15' });
    const docs = planBilling(facts([reg({ billed: invoiced('inv-1') }), added]));
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ kind: 'invoice', totalPence: 45000 });
    expect(docs[0].lines[0]).toMatchObject({ quantity: 1, budgetReferences: [added.budgetReference] });
    expect(docs[0].lines[0].entries[0]).toMatchObject({ version: 1, change: 1 });
  });

  it('invoices again, as version 3, a participant whose invoice was credited in full', () => {
    const docs = planBilling(facts([reg({ billed: { ...invoiced('cn-1'), version: 2, change: -1 } })]));
    expect(docs[0].lines[0].entries[0]).toMatchObject({ version: 3, change: 1 });
  });

  it('groups credit notes like invoices and leaves creditedDocumentId empty when they reverse several invoices', () => {
    const docs = planBilling(
      facts([
        reg({ withdrawalEffectiveOn: '2026-09-02', billed: invoiced('inv-1') }),
        reg({ withdrawalEffectiveOn: '2026-09-02', billed: invoiced('inv-2') }),
      ]),
    );
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ kind: 'credit_note', creditedDocumentId: null, totalPence: 90000 });
    expect(docs[0].lines[0].quantity).toBe(2);
  });

  it('numbers invoices before credit notes', () => {
    const docs = planBilling(facts([reg({ withdrawalEffectiveOn: '2026-09-02', billed: invoiced('inv-1') }), reg()]));
    expect(docs.map((d) => d.kind)).toEqual(['invoice', 'credit_note']);
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
