import { type CensusContract, type CensusRegistration, countsAtCensus, headcountAtCensus, isLateJoiner, lateJoinersAtCensus } from './headcount.js';

const CENSUS = '2026-10-01';

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
    ...overrides,
  };
}

const contracts: CensusContract[] = [
  { contractId: 'c-cambs', commissionerId: 'cambs', pricePerTermPence: 45000, minParticipants: 6 },
  { contractId: 'c-essex', commissionerId: 'essex', pricePerTermPence: 50000, minParticipants: 2 },
];

describe('the census rule', () => {
  it('counts a registration made on the census date', () => {
    expect(countsAtCensus({ registeredOn: CENSUS, withdrawalEffectiveOn: null }, CENSUS)).toBe(true);
  });
  it('does not count one made the day after', () => {
    expect(countsAtCensus({ registeredOn: '2026-10-02', withdrawalEffectiveOn: null }, CENSUS)).toBe(false);
  });
  it('does not count one withdrawn effective on the census date', () => {
    expect(countsAtCensus({ registeredOn: '2026-09-01', withdrawalEffectiveOn: CENSUS }, CENSUS)).toBe(false);
  });
  it('counts one withdrawn effective the day after the census (the term is billable)', () => {
    expect(countsAtCensus({ registeredOn: '2026-09-01', withdrawalEffectiveOn: '2026-10-02' }, CENSUS)).toBe(true);
  });
  it('never counts one that never took a place', () => {
    expect(countsAtCensus({ registeredOn: null, withdrawalEffectiveOn: null }, CENSUS)).toBe(false);
  });
});

describe('headcount at census', () => {
  it('splits by commissioner and budget type and prices each contract', () => {
    const h = headcountAtCensus(
      CENSUS,
      [
        reg(),
        reg({ budgetType: 'direct_payment' }),
        reg({ commissionerId: 'essex', contractId: 'c-essex' }),
        reg({ registeredOn: '2026-10-05' }),
        reg({ withdrawalEffectiveOn: '2026-09-20' }),
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
    const h = headcountAtCensus(CENSUS, [reg(), reg()], contracts);
    expect(h.minParticipants).toBe(6);
    expect(h.belowMinimum).toBe(true);
    const enough = headcountAtCensus(CENSUS, Array.from({ length: 6 }, () => reg()), contracts);
    expect(enough.belowMinimum).toBe(false);
  });

  it('has no minimum when no contract sets one', () => {
    const h = headcountAtCensus(CENSUS, [], [{ contractId: 'c', commissionerId: 'x', pricePerTermPence: 1, minParticipants: null }]);
    expect(h).toEqual({ count: 0, byCommissioner: [], minParticipants: null, belowMinimum: false });
  });
});

describe('late joiners', () => {
  it('is a place taken after the census and still held after that day', () => {
    expect(isLateJoiner({ registeredOn: '2026-10-02', withdrawalEffectiveOn: null }, CENSUS)).toBe(true);
    expect(isLateJoiner({ registeredOn: CENSUS, withdrawalEffectiveOn: null }, CENSUS)).toBe(false);
    expect(isLateJoiner({ registeredOn: '2026-10-02', withdrawalEffectiveOn: '2026-10-02' }, CENSUS)).toBe(false);
    expect(isLateJoiner({ registeredOn: '2026-10-02', withdrawalEffectiveOn: '2026-10-03' }, CENSUS)).toBe(true);
    expect(isLateJoiner({ registeredOn: null, withdrawalEffectiveOn: null }, CENSUS)).toBe(false);
  });

  it('counts them beside the headcount, which does not change', () => {
    const regs = [reg(), reg({ registeredOn: '2026-10-05' }), reg({ registeredOn: '2026-11-01', withdrawalEffectiveOn: '2026-11-01' })];
    expect(lateJoinersAtCensus(CENSUS, regs)).toBe(1);
    expect(headcountAtCensus(CENSUS, regs, contracts).count).toBe(1);
  });
});
