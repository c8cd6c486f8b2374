import { daysBetween } from '../common/london-calendar.js';

/**
 * A statement of account: what a payer (a council, or a direct-payment budget's holder) was owed at
 * the start of a period, every document and payment in it with the running balance, what is owed at
 * its end, and that debt aged by days past each invoice's due date. Balances are positive when the
 * payer owes the provider.
 */

export type StatementEntryType = 'invoice' | 'credit_note' | 'remittance' | 'payment';

export interface StatementEntryFacts {
  date: string;
  type: StatementEntryType;
  debitPence: number;
  creditPence: number;
}

/** Each entry with the balance after it, and the closing balance (opening + debits − credits). */
export function withRunningBalance<E extends StatementEntryFacts>(openingBalancePence: number, entries: E[]): {
  entries: Array<E & { balancePence: number }>;
  closingBalancePence: number;
} {
  let balance = openingBalancePence;
  const out = entries.map((e) => {
    balance += e.debitPence - e.creditPence;
    return { ...e, balancePence: balance };
  });
  return { entries: out, closingBalancePence: balance };
}

export interface Ageing {
  /** Not yet due on the statement date. */
  currentPence: number;
  /** 0–30 days past the due date (due on the statement date counts as 0). */
  days0to30Pence: number;
  days31to60Pence: number;
  days61to90Pence: number;
  over90Pence: number;
  /** Everything outstanding on invoices: the sum of the buckets. */
  totalPence: number;
}

/** Days past the due date as at `asOf` (negative: not yet due). */
export const daysPastDue = (dueDate: string, asOf: string) => daysBetween(dueDate, asOf);

/**
 * What is outstanding on invoices as at `asOf`, in buckets by days past the due date. Only money owed
 * is aged: an invoice credited after it was paid (outstanding below 0) is not debt.
 */
export function ageDebt(invoices: Array<{ dueDate: string; outstandingPence: number }>, asOf: string): Ageing {
  const ageing: Ageing = { currentPence: 0, days0to30Pence: 0, days31to60Pence: 0, days61to90Pence: 0, over90Pence: 0, totalPence: 0 };
  for (const invoice of invoices) {
    if (invoice.outstandingPence <= 0) continue;
    const days = daysPastDue(invoice.dueDate, asOf);
    const bucket: keyof Ageing =
      days < 0 ? 'currentPence' : days <= 30 ? 'days0to30Pence' : days <= 60 ? 'days31to60Pence' : days <= 90 ? 'days61to90Pence' : 'over90Pence';
    ageing[bucket] += invoice.outstandingPence;
    ageing.totalPence += invoice.outstandingPence;
  }
  return ageing;
}
