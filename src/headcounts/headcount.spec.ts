import { type CensusContract, type CensusRegistration, headcountAtCensus, lateJoinersAtCensus } from './headcount.js';

let n = 0;
function reg(overrides: Partial<CensusRegistration> = {}): CensusRegistration {
  n += 1;
  return {
    registrationId: `r${n}`,
    participantId: `p${n}`,
    budgetId: `b${n}`,
    budgetReference: `PB-${n}`,
    budgetType: 'managed',
    commissionerId: 'cambs',
    contractId: 'c-cambs',
    registeredOn: '2026-09-01',
    withdrawalEffectiveOn: null,
    countsAtCensus: true, // as counts_at_census answers (test/census-rule.e2e-spec.ts)
    billableLateJoiner: false, // as late_joiner and place_billable answer (same test file)
    ...overrides,
  };
}

const contracts: CensusContract[] = [
  { contractId: 'c-cambs', commissionerId: 'cambs', pricePerTermPence: 45000, minParticipants: 6 },
  { contractId: 'c-essex', commissionerId: 'essex', pricePerTermPence: 50000, minParticipants: 2 },
];

// The census rule itself is SQL (counts_at_census), and so are late joiners (late_joiner, place_billable):
// their cases are in test/census-rule.e2e-spec.ts.

describe('headcount at census', () => {
  it('splits by commissioner and budget type and prices each contract', () => {
    const h = headcountAtCensus(
      [
        reg(),
        reg({ budgetType: 'direct_payment' }),
        reg({ commissionerId: 'essex', contractId: 'c-essex' }),
        reg({ registeredOn: '2026-10-05', countsAtCensus: false }),
        reg({ withdrawalEffectiveOn: '2026-09-20', countsAtCensus: false }),
      ],
      contracts,
    );
    expect(h.count).toBe(3);
    expect(h.byCommissioner).toEqual([
      { commissionerId: 'cambs', count: 2, managedCount: 1, directPaymentCount: 1, pricePerTermPence: 45000, incomePence: 90000 },
      { commissionerId: 'essex', count: 1, managedCount: 1, directPaymentCount: 0, pricePerTermPence: 50000, incomePence: 50000 },
    ]);
  });

  it('compares the count with the largest contract minimum', () => {
    const h = headcountAtCensus([reg(), reg()], contracts);
    expect(h.minParticipants).toBe(6);
    expect(h.belowMinimum).toBe(true);
    const enough = headcountAtCensus(Array.from({ length: 6 }, () => reg()), contracts);
    expect(enough.belowMinimum).toBe(false);
  });

  it('has no minimum when no contract sets one', () => {
    const h = headcountAtCensus([], [{ contractId: 'c', commissionerId: 'x', pricePerTermPence: 1, minParticipants: null }]);
    expect(h).toEqual({ count: 0, byCommissioner: [], minParticipants: null, belowMinimum: false });
  });
});

describe('late joiners', () => {
  // whether each is one is SQL's answer (late_joiner, place_billable: test/census-rule.e2e-spec.ts)
  it('counts them beside the headcount, which does not change', () => {
    const regs = [
      reg(),
      reg({ registeredOn: '2026-10-05', countsAtCensus: false, billableLateJoiner: true }),
      reg({ registeredOn: '2026-11-01', withdrawalEffectiveOn: '2026-11-01', countsAtCensus: false }),
    ];
    expect(lateJoinersAtCensus(regs)).toBe(1);
    expect(headcountAtCensus(regs, contracts).count).toBe(1);
  });
});
