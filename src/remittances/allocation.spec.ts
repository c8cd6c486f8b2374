import { type AllocatableInvoice, allocateOldestFirst, AllocationRule, checkAllocations } from './allocation.js';

const invoice = (id: string, outstandingPence: number, overrides: Partial<AllocatableInvoice> = {}): AllocatableInvoice => ({
  id,
  number: `INV-${id}`,
  kind: 'invoice',
  recipientType: 'commissioner',
  commissionerId: 'cambs',
  outstandingPence,
  ...overrides,
});

describe('allocateOldestFirst', () => {
  it('pays the oldest invoices in full, part-pays the next, and leaves the rest on account (the README example)', () => {
    const open = [invoice('1', 54000), invoice('2', 45000), invoice('3', 90000)];
    expect(allocateOldestFirst(120000, open)).toEqual({
      allocations: [
        { invoiceId: '1', amountPence: 54000 },
        { invoiceId: '2', amountPence: 45000 },
        { invoiceId: '3', amountPence: 21000 },
      ],
      unallocatedPence: 0,
    });
    expect(allocateOldestFirst(200000, open)).toEqual({
      allocations: [
        { invoiceId: '1', amountPence: 54000 },
        { invoiceId: '2', amountPence: 45000 },
        { invoiceId: '3', amountPence: 90000 },
      ],
      unallocatedPence: 11000,
    });
  });

  it('skips invoices with nothing outstanding (or a credit balance) and allocates nothing when nothing is owed', () => {
    expect(allocateOldestFirst(100, [invoice('1', 0), invoice('2', -500), invoice('3', 60)])).toEqual({
      allocations: [{ invoiceId: '3', amountPence: 60 }],
      unallocatedPence: 40,
    });
    expect(allocateOldestFirst(100, [])).toEqual({ allocations: [], unallocatedPence: 100 });
  });

  it('never allocates more than the amount nor more than an invoice owes', () => {
    for (let amount = 0; amount <= 300; amount += 7) {
      const open = [invoice('1', 50), invoice('2', 120), invoice('3', 1)];
      const { allocations, unallocatedPence } = allocateOldestFirst(amount, open);
      const allocated = allocations.reduce((s, a) => s + a.amountPence, 0);
      expect(allocated + unallocatedPence).toBe(amount);
      expect(allocated).toBe(Math.min(amount, 171));
      for (const a of allocations) expect(a.amountPence).toBeLessThanOrEqual(open.find((i) => i.id === a.invoiceId)!.outstandingPence);
    }
  });
});

describe('checkAllocations', () => {
  const invoices = new Map(
    [
      invoice('a', 1000),
      invoice('b', 500),
      invoice('essex', 700, { commissionerId: 'essex' }),
      invoice('holder', 300, { recipientType: 'budget_holder' }),
      invoice('cn', 0, { kind: 'credit_note' }),
    ].map((i) => [i.id, i]),
  );
  const check = (allocations: Array<[string, number]>, available = 10_000) =>
    checkAllocations(allocations.map(([invoiceId, amountPence]) => ({ invoiceId, amountPence })), invoices, 'cambs', available);

  it('accepts allocations up to what each invoice owes and what the remittance has', () => {
    expect(check([['a', 1000], ['b', 1]])).toBeNull();
    expect(check([['a', 600], ['b', 400]], 1000)).toBeNull();
    expect(check([])).toBeNull();
  });

  it('names the allocation and field that breaks a rule', () => {
    expect(check([['a', 1], ['zzz', 1]])).toMatchObject({ code: AllocationRule.UnknownInvoice, field: 'allocations[1].invoiceId' });
    expect(check([['essex', 1]])).toMatchObject({ code: AllocationRule.NotTheCommissionersInvoice, field: 'allocations[0].invoiceId' });
    expect(check([['holder', 1]])).toMatchObject({ code: AllocationRule.NotTheCommissionersInvoice, field: 'allocations[0].invoiceId' });
    expect(check([['cn', 1]])).toMatchObject({ code: AllocationRule.NotAnInvoice, field: 'allocations[0].invoiceId' });
    expect(check([['a', 1], ['a', 1]])).toMatchObject({ code: AllocationRule.DuplicateInvoice, field: 'allocations[1].invoiceId' });
    expect(check([['b', 501]])).toMatchObject({ code: AllocationRule.ExceedsOutstanding, field: 'allocations[0].amountPence' });
    expect(check([['a', 600], ['b', 401]], 1000)).toMatchObject({ code: AllocationRule.ExceedsRemittance, field: 'allocations' });
  });
});
