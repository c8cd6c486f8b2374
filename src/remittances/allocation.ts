import { ProblemCode } from '../common/problem-codes.js';
/**
 * Rule 14: a remittance is allocated at most once, never beyond an invoice's outstanding amount; what
 * is left stays on account. These are the calculations; the database holds the invariant (the
 * payments trigger and remittances_allocated_within_amount), under locks taken by the service.
 */

export interface Allocation {
  invoiceId: string;
  amountPence: number;
}

/** An invoice as allocation sees it, with what is outstanding on it now. */
export interface AllocatableInvoice {
  id: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  recipientType: 'commissioner' | 'budget_holder';
  commissionerId: string;
  outstandingPence: number;
}

/**
 * Oldest outstanding invoice first: `invoices` come ordered oldest first (due date, issue date,
 * number); each takes what is outstanding on it, or what is left of `amountPence`.
 */
export function allocateOldestFirst(amountPence: number, invoices: Array<Pick<AllocatableInvoice, 'id' | 'outstandingPence'>>): {
  allocations: Allocation[];
  unallocatedPence: number;
} {
  const allocations: Allocation[] = [];
  let left = amountPence;
  for (const invoice of invoices) {
    if (left <= 0) break;
    const amount = Math.min(left, invoice.outstandingPence);
    if (amount <= 0) continue;
    allocations.push({ invoiceId: invoice.id, amountPence: amount });
    left -= amount;
  }
  return { allocations, unallocatedPence: left };
}

export const AllocationRule = {
  UnknownInvoice: ProblemCode.UnknownInvoice,
  NotAnInvoice: ProblemCode.NotAnInvoice,
  NotTheCommissionersInvoice: ProblemCode.NotTheCommissionersInvoice,
  DuplicateInvoice: ProblemCode.DuplicateAllocation,
  ExceedsOutstanding: ProblemCode.AllocationExceedsOutstanding,
  ExceedsRemittance: ProblemCode.AllocationExceedsRemittance,
} as const;

export interface AllocationProblem {
  code: (typeof AllocationRule)[keyof typeof AllocationRule];
  field: string;
  message: string;
}

/**
 * The first reason, if any, why explicit `allocations` of a remittance of `commissionerId` with
 * `availablePence` on account cannot be made, naming the field (`allocations[i].invoiceId`, ...):
 * each must be an invoice (not a credit note) addressed to that commissioner (not to one of its
 * direct-payment holders, who pay their own), listed once, for at most what is outstanding on it; and
 * together they may not exceed what the remittance has on account.
 */
export function checkAllocations(
  allocations: Allocation[],
  invoices: Map<string, AllocatableInvoice>,
  commissionerId: string,
  availablePence: number,
): AllocationProblem | null {
  const seen = new Set<string>();
  for (const [i, allocation] of allocations.entries()) {
    const field = `allocations[${i}]`;
    const invoice = invoices.get(allocation.invoiceId);
    if (!invoice) return { code: AllocationRule.UnknownInvoice, field: `${field}.invoiceId`, message: `no invoice with id ${allocation.invoiceId}` };
    if (invoice.kind !== 'invoice') {
      return { code: AllocationRule.NotAnInvoice, field: `${field}.invoiceId`, message: `${invoice.number} is a credit note: only invoices are paid` };
    }
    if (invoice.recipientType !== 'commissioner') {
      return {
        code: AllocationRule.NotTheCommissionersInvoice,
        field: `${field}.invoiceId`,
        message: `${invoice.number} is a direct-payment holder's invoice: the family pays it, not the council`,
      };
    }
    if (invoice.commissionerId !== commissionerId) {
      return { code: AllocationRule.NotTheCommissionersInvoice, field: `${field}.invoiceId`, message: `${invoice.number} is another commissioner's invoice` };
    }
    if (seen.has(invoice.id)) return { code: AllocationRule.DuplicateInvoice, field: `${field}.invoiceId`, message: `${invoice.number} is listed twice` };
    seen.add(invoice.id);
    if (allocation.amountPence > invoice.outstandingPence) {
      return {
        code: AllocationRule.ExceedsOutstanding,
        field: `${field}.amountPence`,
        message: `is more than the ${Math.max(invoice.outstandingPence, 0)} pence outstanding on ${invoice.number}`,
      };
    }
  }
  const total = allocations.reduce((sum, a) => sum + a.amountPence, 0);
  if (total > availablePence) {
    return {
      code: AllocationRule.ExceedsRemittance,
      field: 'allocations',
      message: `add up to ${total} pence, more than the ${availablePence} pence of the remittance not yet allocated`,
    };
  }
  return null;
}
