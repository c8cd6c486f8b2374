import type { PlannedLine, Recipient } from '../runs/billing-lines.js';
import type { DocumentLineResponse, DocumentStatus, InvoiceResponse, RecipientResponse } from './dto/invoice.dto.js';

/** Rows of documents and document_lines as the invoice queries select them. */
export interface DocumentRow {
  id: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  billing_run_id: string | null;
  recipient_type: 'commissioner' | 'budget_holder';
  commissioner_id: string;
  budget_id: string | null;
  recipient_name: string;
  recipient_email: string | null;
  recipient_address: string | null;
  customer_code: string;
  issue_date: string;
  due_date: string;
  po_number: string | null;
  net_pence: number;
  vat_pence: number;
  total_pence: number;
  credited_document_id: string | null;
  reason: string | null;
  created_at: Date;
  paid_pence: number;
  credited_pence: number;
  outstanding_pence: number;
  /** document_status(), the database function that is the rule's one definition. */
  status: DocumentStatus;
}

export interface LineRow {
  document_id: string;
  line: number;
  description: string;
  programme_id: string;
  term_id: string;
  contract_id: string;
  period_start: string;
  period_end: string;
  quantity: number;
  unit_pence: number;
  amount_pence: number;
  vat_unit_pence: number;
  vat_pence: number;
  budget_references: string[];
  council_ids: Array<string | null>;
  kind: 'census' | 'late_joiner' | 'sessions' | 'cancelled_session';
  vat_treatment: 'exempt' | 'standard' | 'zero' | 'outside_scope';
  vat_rate_basis_points: number;
  nominal_code: string | null;
  department_code: string | null;
}

export function toRecipientResponse(r: Recipient): RecipientResponse {
  return {
    type: r.type,
    commissionerId: r.commissionerId,
    ...(r.budgetId ? { budgetId: r.budgetId } : {}),
    name: r.name,
    ...(r.email ? { email: r.email } : {}),
    ...(r.address ? { address: r.address } : {}),
    customerCode: r.customerCode,
  };
}

/** What is outstanding, as invoice_balances() computed it (0 for a credit note). */
export function balanceOf(d: Pick<DocumentRow, 'kind' | 'outstanding_pence'>): number {
  return d.kind === 'invoice' ? Number(d.outstanding_pence) : 0;
}

export function toLineResponse(l: LineRow): DocumentLineResponse {
  return {
    kind: l.kind,
    description: l.description,
    programmeId: l.programme_id,
    termId: l.term_id,
    contractId: l.contract_id,
    periodStart: l.period_start,
    periodEnd: l.period_end,
    quantity: l.quantity,
    unitPence: l.unit_pence,
    amountPence: Number(l.amount_pence),
    vatUnitPence: l.vat_unit_pence,
    vatPence: Number(l.vat_pence),
    budgetReferences: l.budget_references,
    references: l.budget_references.map((budgetReference, i) => ({ budgetReference, councilId: l.council_ids?.[i] ?? null })),
    vatTreatment: l.vat_treatment,
    vatRateBasisPoints: l.vat_rate_basis_points,
    nominalCode: l.nominal_code,
    departmentCode: l.department_code,
  };
}

/**
 * A planned line as the row it is written as (`document_id`, numbered `line`): the one mapping, so that a
 * dry run answers exactly what a run issues.
 */
export function plannedLineRow(documentId: string, line: number, l: PlannedLine): LineRow {
  return {
    document_id: documentId,
    line,
    kind: l.kind ?? 'census',
    description: l.description,
    programme_id: l.programmeId,
    term_id: l.termId,
    contract_id: l.contractId,
    period_start: l.periodStart,
    period_end: l.periodEnd,
    quantity: l.quantity,
    unit_pence: l.unitPence,
    amount_pence: l.amountPence,
    vat_unit_pence: l.vatUnitPence,
    vat_pence: l.vatPence,
    budget_references: l.budgetReferences,
    council_ids: l.councilIds ?? l.budgetReferences.map(() => null),
    vat_treatment: l.vatTreatment ?? (l.vatUnitPence > 0 ? 'standard' : 'exempt'),
    vat_rate_basis_points: l.vatRateBasisPoints ?? 0,
    nominal_code: l.nominalCode ?? null,
    department_code: l.departmentCode ?? null,
  };
}

/** A planned line (a dry run) answered like an issued one. */
export function toPlannedLineResponse(l: PlannedLine): DocumentLineResponse {
  return toLineResponse(plannedLineRow('', 0, l));
}

export function toInvoiceResponse(d: DocumentRow, lines: LineRow[]): InvoiceResponse {
  return {
    id: d.id,
    number: d.number,
    kind: d.kind,
    billingRunId: d.billing_run_id,
    recipient: toRecipientResponse({
      type: d.recipient_type,
      commissionerId: d.commissioner_id,
      budgetId: d.budget_id,
      name: d.recipient_name,
      email: d.recipient_email,
      address: d.recipient_address,
      customerCode: d.customer_code,
    }),
    issueDate: d.issue_date,
    dueDate: d.due_date,
    poNumber: d.po_number,
    lines: lines.map(toLineResponse),
    netPence: Number(d.net_pence),
    vatPence: Number(d.vat_pence),
    totalPence: Number(d.total_pence),
    creditedDocumentId: d.credited_document_id,
    reason: d.reason,
    status: d.status,
    paidPence: Number(d.paid_pence),
    creditedPence: Number(d.credited_pence),
    balancePence: balanceOf(d),
    createdAt: d.created_at.toISOString(),
  };
}
