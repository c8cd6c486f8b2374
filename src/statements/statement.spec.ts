import { ageDebt, withRunningBalance } from './statement.js';

describe('statement running balance', () => {
  it('adds debits, subtracts credits, from the opening balance', () => {
    const { entries, closingBalancePence } = withRunningBalance(1000, [
      { date: '2026-10-01', type: 'invoice' as const, debitPence: 54000, creditPence: 0 },
      { date: '2026-10-05', type: 'credit_note' as const, debitPence: 0, creditPence: 4000 },
      { date: '2026-11-01', type: 'remittance' as const, debitPence: 0, creditPence: 60000 },
    ]);
    expect(entries.map((e) => e.balancePence)).toEqual([55000, 51000, -9000]);
    expect(closingBalancePence).toBe(-9000);
    expect(withRunningBalance(250, [])).toEqual({ entries: [], closingBalancePence: 250 });
  });
});

describe('ageing by days past the due date', () => {
  const asOf = '2026-12-31';
  it.each([
    ['2027-01-01', 'currentPence'], // due tomorrow: not yet due
    ['2026-12-31', 'days0to30Pence'], // due today: 0 days past due
    ['2026-12-01', 'days0to30Pence'], // 30
    ['2026-11-30', 'days31to60Pence'], // 31
    ['2026-11-01', 'days31to60Pence'], // 60
    ['2026-10-31', 'days61to90Pence'], // 61
    ['2026-10-02', 'days61to90Pence'], // 90
    ['2026-10-01', 'over90Pence'], // 91
  ])('due %s → %s', (dueDate, bucket) => {
    const ageing = ageDebt([{ dueDate, outstandingPence: 700 }], asOf);
    expect(ageing).toEqual({
      currentPence: 0,
      days0to30Pence: 0,
      days31to60Pence: 0,
      days61to90Pence: 0,
      over90Pence: 0,
      [bucket]: 700,
      totalPence: 700,
    });
  });

  it('sums each bucket and ignores invoices with nothing (or less than nothing) outstanding', () => {
    const ageing = ageDebt(
      [
        { dueDate: '2026-12-20', outstandingPence: 100 },
        { dueDate: '2026-12-10', outstandingPence: 50 },
        { dueDate: '2026-06-01', outstandingPence: 7 },
        { dueDate: '2026-06-01', outstandingPence: 0 },
        { dueDate: '2026-06-01', outstandingPence: -300 },
      ],
      asOf,
    );
    expect(ageing).toEqual({ currentPence: 0, days0to30Pence: 150, days31to60Pence: 0, days61to90Pence: 0, over90Pence: 7, totalPence: 157 });
  });
});
