import { addDays } from '../common/london-calendar.js';
import { percentageOfPence } from '../common/money.js';
import { type CensusRegistration, countsAtCensus } from '../headcounts/headcount.js';
import type { DocumentKind } from './invoice-numbering.js';

/**
 * The billing arithmetic, as pure functions (rule 5). For every registration of the terms a run bills,
 * the census rule (countsAtCensus, shared with the headcount) says whether it should be billed; the
 * billing ledger says whether it is. The differences become documents:
 *   - counted but not billed → invoiced (the first run, or a supplementary invoice after a correction);
 *   - billed but no longer counted (a backdated withdrawal) → credited for exactly what was billed;
 *   - anything else → nothing.
 * Payers: a managed budget's participants are invoiced to the commissioner (one document per commissioner
 * and purchase order, one line per programme-term and price); a direct payment's to the budget holder
 * (one document per budget). VAT is computed per participant unit and rounded half up, so a line's VAT is
 * quantity × unit VAT and the export's one-row-per-participant figures add up exactly to the document.
 */

export interface BillingTerm {
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
  censusDate: string;
}

export interface BillingProgramme {
  id: string;
  name: string;
}

export interface BillingContract {
  id: string;
  commissionerId: string;
  pricePerTermPence: number;
  poNumber: string | null;
  vatRateBasisPoints: number;
}

export interface BillingCommissioner {
  id: string;
  name: string;
  code: string;
  invoiceEmail: string | null;
  address: string | null;
  paymentTermsDays: number;
}

/** A registration's latest billing-ledger entry. */
export interface BilledState {
  version: number;
  change: 1 | -1;
  documentId: string;
  unitPence: number;
  vatUnitPence: number;
  poNumber: string | null;
}

export interface BillingRegistration extends CensusRegistration {
  programmeId: string;
  termId: string;
  holderName: string | null;
  holderEmail: string | null;
  billed: BilledState | null;
}

export interface BillingFacts {
  /** The London date of the run: the documents' issue date. */
  runOn: string;
  terms: BillingTerm[];
  programmes: BillingProgramme[];
  contracts: BillingContract[];
  commissioners: BillingCommissioner[];
  registrations: BillingRegistration[];
}

export type RecipientType = 'commissioner' | 'budget_holder';

export interface Recipient {
  type: RecipientType;
  commissionerId: string;
  budgetId: string | null;
  name: string;
  email: string | null;
  address: string | null;
  /** The finance ledger's customer: the commissioner's code, or DP-<code>-<budget reference> for a budget holder. */
  customerCode: string;
}

export interface PlannedLedgerEntry {
  registrationId: string;
  programmeId: string;
  termId: string;
  version: number;
  change: 1 | -1;
  budgetReference: string;
  amountPence: number;
  vatPence: number;
  reversesDocumentId: string | null;
}

export interface PlannedLine {
  description: string;
  programmeId: string;
  termId: string;
  contractId: string;
  periodStart: string;
  periodEnd: string;
  quantity: number;
  unitPence: number;
  amountPence: number;
  vatUnitPence: number;
  vatPence: number;
  budgetReferences: string[];
  /** One per unit of quantity, in the order of budgetReferences. */
  entries: PlannedLedgerEntry[];
}

export interface PlannedDocument {
  kind: DocumentKind;
  recipient: Recipient;
  issueDate: string;
  dueDate: string;
  poNumber: string | null;
  /** For a credit note that reverses a single invoice. */
  creditedDocumentId: string | null;
  reason: string | null;
  lines: PlannedLine[];
  netPence: number;
  vatPence: number;
  totalPence: number;
}

export const BACKDATED_WITHDRAWAL_REASON = 'Participants no longer registered at the census date (withdrawal backdated on or before it)';

/** VAT on one participant's termly price: basis points of the price, rounded half up to whole pence. */
export function vatPerUnit(unitPence: number, vatRateBasisPoints: number): number {
  return percentageOfPence(unitPence, vatRateBasisPoints);
}

export type BillingChange =
  | { registration: BillingRegistration; change: 1; version: number }
  | { registration: BillingRegistration; change: -1; version: number; billed: BilledState };

/** What changed for each registration since it was last billed (the census rule against the ledger). */
export function billingChanges(registrations: BillingRegistration[], terms: BillingTerm[]): BillingChange[] {
  const censusOf = new Map(terms.map((t) => [t.id, t.censusDate]));
  const changes: BillingChange[] = [];
  for (const r of registrations) {
    const census = censusOf.get(r.termId);
    if (census === undefined) continue; // not a term this run bills
    const counted = countsAtCensus(r, census);
    const billed = r.billed?.change === 1;
    const version = (r.billed?.version ?? 0) + 1;
    if (counted && !billed) changes.push({ registration: r, change: 1, version });
    else if (!counted && billed) changes.push({ registration: r, change: -1, version, billed: r.billed! });
  }
  return changes;
}

function indexBy<T extends { id: string }>(items: T[], what: string): (id: string) => T {
  const map = new Map(items.map((i) => [i.id, i]));
  return (id) => {
    const found = map.get(id);
    if (!found) throw new Error(`Billing facts are missing ${what} ${id}`);
    return found;
  };
}

export function recipientOf(r: Pick<BillingRegistration, 'budgetType' | 'budgetId' | 'budgetReference' | 'holderName' | 'holderEmail'>, commissioner: BillingCommissioner): Recipient {
  if (r.budgetType === 'managed') {
    return {
      type: 'commissioner',
      commissionerId: commissioner.id,
      budgetId: null,
      name: commissioner.name,
      email: commissioner.invoiceEmail,
      address: commissioner.address,
      customerCode: commissioner.code,
    };
  }
  return {
    type: 'budget_holder',
    commissionerId: commissioner.id,
    budgetId: r.budgetId,
    name: r.holderName ?? 'Budget holder',
    email: r.holderEmail,
    address: null,
    customerCode: `DP-${commissioner.code}-${r.budgetReference}`,
  };
}

interface LineDraft {
  line: Omit<PlannedLine, 'quantity' | 'amountPence' | 'vatPence' | 'budgetReferences' | 'entries'>;
  sortKey: string;
  entries: PlannedLedgerEntry[];
}

interface DocumentDraft {
  kind: DocumentKind;
  recipient: Recipient;
  poNumber: string | null;
  paymentTermsDays: number;
  lines: Map<string, LineDraft>;
}

/** Sums a document's lines. */
export function documentTotals(lines: Array<Pick<PlannedLine, 'amountPence' | 'vatPence'>>): { netPence: number; vatPence: number; totalPence: number } {
  const netPence = lines.reduce((sum, l) => sum + l.amountPence, 0);
  const vatPence = lines.reduce((sum, l) => sum + l.vatPence, 0);
  return { netPence, vatPence, totalPence: netPence + vatPence };
}

function finishLine(draft: LineDraft): PlannedLine {
  const entries = [...draft.entries].sort((a, b) =>
    a.budgetReference < b.budgetReference ? -1 : a.budgetReference > b.budgetReference ? 1 : a.registrationId < b.registrationId ? -1 : 1,
  );
  const quantity = entries.length;
  return {
    ...draft.line,
    quantity,
    amountPence: quantity * draft.line.unitPence,
    vatPence: quantity * draft.line.vatUnitPence,
    budgetReferences: entries.map((e) => e.budgetReference),
    entries,
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Documents in the order they are numbered: invoices, then credit notes; councils, then budget holders; by name. */
export function documentOrder(a: Pick<PlannedDocument, 'kind' | 'recipient' | 'poNumber'>, b: Pick<PlannedDocument, 'kind' | 'recipient' | 'poNumber'>): number {
  return (
    compare(a.kind === 'invoice' ? '0' : '1', b.kind === 'invoice' ? '0' : '1') ||
    compare(a.recipient.type === 'commissioner' ? '0' : '1', b.recipient.type === 'commissioner' ? '0' : '1') ||
    compare(a.recipient.name, b.recipient.name) ||
    compare(a.recipient.commissionerId, b.recipient.commissionerId) ||
    compare(a.recipient.budgetId ?? '', b.recipient.budgetId ?? '') ||
    compare(a.poNumber ?? '', b.poNumber ?? '')
  );
}

/** The documents a run issues for the facts it loaded, in numbering order (numbers are given when written). */
export function planBilling(facts: BillingFacts): PlannedDocument[] {
  const term = indexBy(facts.terms, 'term');
  const programme = indexBy(facts.programmes, 'programme');
  const contract = indexBy(facts.contracts, 'contract');
  const commissioner = indexBy(facts.commissioners, 'commissioner');
  const drafts = new Map<string, DocumentDraft>();

  for (const c of billingChanges(facts.registrations, facts.terms)) {
    const r = c.registration;
    const t = term(r.termId);
    const p = programme(r.programmeId);
    const k = contract(r.contractId);
    const payer = commissioner(r.commissionerId);
    const kind: DocumentKind = c.change === 1 ? 'invoice' : 'credit_note';
    const unitPence = c.change === 1 ? k.pricePerTermPence : c.billed.unitPence;
    const vatUnitPence = c.change === 1 ? vatPerUnit(unitPence, k.vatRateBasisPoints) : c.billed.vatUnitPence;
    const poNumber = c.change === 1 ? k.poNumber : c.billed.poNumber;
    const recipient = recipientOf(r, payer);

    const documentKey = [kind, recipient.type, recipient.type === 'commissioner' ? recipient.commissionerId : recipient.budgetId, poNumber ?? ''].join('|');
    let doc = drafts.get(documentKey);
    if (!doc) {
      doc = { kind, recipient, poNumber, paymentTermsDays: payer.paymentTermsDays, lines: new Map() };
      drafts.set(documentKey, doc);
    }
    const lineKey = [r.programmeId, r.termId, r.contractId, unitPence, vatUnitPence].join('|');
    let line = doc.lines.get(lineKey);
    if (!line) {
      line = {
        line: {
          description:
            c.change === 1
              ? `${p.name}, ${t.name}: participants registered at the census date ${t.censusDate}`
              : `Credit: ${p.name}, ${t.name}: no longer registered at the census date ${t.censusDate}`,
          programmeId: r.programmeId,
          termId: r.termId,
          contractId: r.contractId,
          periodStart: t.startsOn,
          periodEnd: t.endsOn,
          unitPence,
          vatUnitPence,
        },
        sortKey: [t.startsOn, t.id, p.name, p.id, String(unitPence).padStart(12, '0')].join('|'),
        entries: [],
      };
      doc.lines.set(lineKey, line);
    }
    line.entries.push({
      registrationId: r.registrationId,
      programmeId: r.programmeId,
      termId: r.termId,
      version: c.version,
      change: c.change,
      budgetReference: r.budgetReference,
      amountPence: unitPence,
      vatPence: vatUnitPence,
      reversesDocumentId: c.change === 1 ? null : c.billed.documentId,
    });
  }

  const documents = [...drafts.values()].map((d): PlannedDocument => {
    const lines = [...d.lines.values()].sort((a, b) => compare(a.sortKey, b.sortKey)).map(finishLine);
    const reversed = new Set(lines.flatMap((l) => l.entries.map((e) => e.reversesDocumentId)).filter((id): id is string => id !== null));
    return {
      kind: d.kind,
      recipient: d.recipient,
      issueDate: facts.runOn,
      dueDate: d.kind === 'invoice' ? addDays(facts.runOn, d.paymentTermsDays) : facts.runOn,
      poNumber: d.poNumber,
      creditedDocumentId: d.kind === 'credit_note' && reversed.size === 1 ? [...reversed][0] : null,
      reason: d.kind === 'credit_note' ? BACKDATED_WITHDRAWAL_REASON : null,
      lines,
      ...documentTotals(lines),
    };
  });
  return documents.sort(documentOrder);
}

/** An issued invoice line and the ledger entries (+1) still open on it, for a full credit. */
export interface CreditableLine
  extends Pick<PlannedLine, 'description' | 'programmeId' | 'termId' | 'contractId' | 'periodStart' | 'periodEnd' | 'unitPence' | 'vatUnitPence'> {
  /** The invoice's entries on this line whose registration is still billed by this invoice. */
  open: Array<{ registrationId: string; version: number; budgetReference: string }>;
}

export interface CreditableInvoice {
  id: string;
  number: string;
  recipient: Recipient;
  poNumber: string | null;
  lines: CreditableLine[];
}

/**
 * A full credit of an invoice: a credit note mirroring its lines for every participant it still bills
 * (one already credited by a run is not credited twice), with the ledger entries (-1) that let a later
 * run invoice them again. Null when nothing on the invoice is still billed.
 */
export function creditNoteFor(invoice: CreditableInvoice, issueDate: string, reason: string): PlannedDocument | null {
  const lines = invoice.lines
    .filter((l) => l.open.length > 0)
    .map((l) =>
      finishLine({
        line: {
          description: `Credit of ${invoice.number}: ${l.description}`,
          programmeId: l.programmeId,
          termId: l.termId,
          contractId: l.contractId,
          periodStart: l.periodStart,
          periodEnd: l.periodEnd,
          unitPence: l.unitPence,
          vatUnitPence: l.vatUnitPence,
        },
        sortKey: '',
        entries: l.open.map((e) => ({
          registrationId: e.registrationId,
          programmeId: l.programmeId,
          termId: l.termId,
          version: e.version + 1,
          change: -1 as const,
          budgetReference: e.budgetReference,
          amountPence: l.unitPence,
          vatPence: l.vatUnitPence,
          reversesDocumentId: invoice.id,
        })),
      }),
    );
  if (lines.length === 0) return null;
  return {
    kind: 'credit_note',
    recipient: invoice.recipient,
    issueDate,
    dueDate: issueDate,
    poNumber: invoice.poNumber,
    creditedDocumentId: invoice.id,
    reason,
    lines,
    ...documentTotals(lines),
  };
}
