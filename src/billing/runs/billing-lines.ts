import { addDays } from '../../common/london-calendar.js';
import { percentageOfPence } from '../../common/money.js';
import type { DocumentKind } from '../documents/invoice-numbering.js';

/**
 * The billing arithmetic, as pure functions (rules 5, 11-13). A run loads, for every billing unit it may
 * touch, what the unit should be billed (computed in SQL by the one definition of each money rule:
 * place_billable, place_session_shares, see migrations/1764400000000) and what the billing ledger says it
 * has been billed. The differences become documents:
 *   - should more than billed → an invoice entry for the difference (a first run, a supplementary invoice);
 *   - should less than billed → a credit-note entry for the difference (a backdated withdrawal, a
 *     cancelled or re-priced session);
 *   - equal → nothing.
 * Units: a place billed per term ('place': a managed budget's place, counted at the census or a late
 * joiner) or one session of a direct payment's place (its id). Payers: a managed budget's places are
 * invoiced to the commissioner (one document per commissioner and purchase order; one line per
 * programme-term, kind and price); a direct payment's to the budget holder (one document per budget, one
 * line per programme-term, no purchase order). VAT is computed per ledger entry and rounded half up, so
 * export rows add up exactly to the document.
 *
 * A cancelled session (API.md "Session cancellation"): for every place billed per term to a commissioner
 * that the session's price covered, a unit 'cancelled:<session id>' whose should is minus the session's
 * share of the place's price (place_cancellation_shares) and which has never been billed: a credit-note
 * entry (version 1, change -1) on a line of kind 'cancelled_session', reversing the place's invoice. It is
 * written once: the load selects only units without an entry, and the ledger's key refuses a second.
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

export type VatTreatment = 'exempt' | 'standard' | 'zero' | 'outside_scope';

export interface BillingContract {
  id: string;
  commissionerId: string;
  vatRateBasisPoints: number;
  vatTreatment?: VatTreatment;
  nominalCode?: string | null;
  departmentCode?: string | null;
}

export interface BillingCommissioner {
  id: string;
  name: string;
  code: string;
  invoiceEmail: string | null;
  address: string | null;
  paymentTermsDays: number;
}

/** What the ledger says a unit has been billed so far (the sums of its entries, signed). */
export interface BilledState {
  /** The unit's latest version. */
  version: number;
  netPence: number;
  vatPence: number;
  /** The document of the unit's latest invoice entry: what a credit of it reverses. */
  lastInvoiceId: string | null;
  /** The purchase order of that invoice. */
  poNumber: string | null;
}

/** How a unit is billed: a place counted at the census, a late joiner's place, or one session of a direct payment. */
export type UnitKind = 'census' | 'late_joiner' | 'sessions' | 'cancelled_session';

/** Line kinds whose amounts are the sums of their ledger entries (shares of a price, a penny more for the earliest). */
export function isSharedKind(kind: UnitKind): boolean {
  return kind === 'sessions' || kind === 'cancelled_session';
}

export interface BillingUnit {
  registrationId: string;
  /** 'place', or the session's id. */
  unit: string;
  kind: UnitKind;
  sessionId: string | null;
  sessionDate: string | null;
  programmeId: string;
  termId: string;
  contractId: string;
  commissionerId: string;
  budgetId: string;
  budgetType: 'managed' | 'direct_payment';
  budgetReference: string;
  /** The participant's client id at the budget's council, if recorded. */
  councilId: string | null;
  holderName: string | null;
  holderEmail: string | null;
  holderAddress: string | null;
  /** The PO fixed with the place's price (managed places). */
  poNumber: string | null;
  /** What the unit should have been billed by now, in total. */
  shouldPence: number;
  billed: BilledState | null;
}

export interface BillingFacts {
  /** The London date of the run: the documents' issue date. */
  runOn: string;
  terms: BillingTerm[];
  programmes: BillingProgramme[];
  contracts: BillingContract[];
  commissioners: BillingCommissioner[];
  units: BillingUnit[];
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
  unit: string;
  sessionId: string | null;
  sessionDate: string | null;
  programmeId: string;
  termId: string;
  version: number;
  change: 1 | -1;
  budgetReference: string;
  councilId: string | null;
  /** Magnitudes: `change` is the sign. */
  amountPence: number;
  vatPence: number;
  reversesDocumentId: string | null;
}

export interface PlannedLine {
  /** Default 'census' (a line of places counted at the census). */
  kind?: UnitKind;
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
  /** Parallel to budgetReferences: each participant's client id at the council (null when not recorded). */
  councilIds?: Array<string | null>;
  vatTreatment?: VatTreatment;
  vatRateBasisPoints?: number;
  nominalCode?: string | null;
  departmentCode?: string | null;
  /** A place line: one per unit of quantity, in the order of budgetReferences; a sessions line: one per session. */
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
export const SESSIONS_CREDIT_REASON = 'Sessions no longer covered by the place (withdrawal backdated), cancelled, or re-priced';
export const CANCELLED_SESSIONS_REASON = 'Sessions cancelled and not made up: price ÷ sessions for every place billed';

/** VAT on an amount: basis points of it, rounded half up to whole pence. */
export function vatPerUnit(unitPence: number, vatRateBasisPoints: number): number {
  return percentageOfPence(unitPence, vatRateBasisPoints);
}

/** The rate a contract charges: only a standard-rated contract has one. */
export function vatRateOf(contract: Pick<BillingContract, 'vatRateBasisPoints' | 'vatTreatment'>): number {
  return (contract.vatTreatment ?? 'standard') === 'standard' ? contract.vatRateBasisPoints : 0;
}

export interface BillingChange {
  unit: BillingUnit;
  change: 1 | -1;
  version: number;
  /** Magnitudes. */
  amountPence: number;
  vatPence: number;
}

/**
 * What changed for each unit since it was last billed: the difference between what it should be billed
 * and what it has been, with the VAT of that difference (a full reversal returns exactly the VAT billed).
 */
export function billingChanges(units: BillingUnit[], contracts: Array<Pick<BillingContract, 'id' | 'vatRateBasisPoints' | 'vatTreatment'>>): BillingChange[] {
  const rate = new Map(contracts.map((c) => [c.id, vatRateOf(c)]));
  const changes: BillingChange[] = [];
  for (const u of units) {
    const billedNet = u.billed?.netPence ?? 0;
    const billedVat = u.billed?.vatPence ?? 0;
    const difference = u.shouldPence - billedNet;
    if (difference === 0) continue;
    const version = (u.billed?.version ?? 0) + 1;
    const vatRate = rate.get(u.contractId) ?? 0;
    if (difference > 0) {
      changes.push({ unit: u, change: 1, version, amountPence: difference, vatPence: vatPerUnit(difference, vatRate) });
    } else {
      // a credit of what was never invoiced on this unit (a cancelled session's credit): VAT on its amount
      const vatPence =
        u.shouldPence < 0 ? vatPerUnit(-difference, vatRate) : u.shouldPence === 0 ? billedVat : Math.min(billedVat, vatPerUnit(-difference, vatRate));
      changes.push({ unit: u, change: -1, version, amountPence: -difference, vatPence });
    }
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

export function recipientOf(
  r: Pick<BillingUnit, 'budgetType' | 'budgetId' | 'budgetReference' | 'holderName' | 'holderEmail'> & { holderAddress?: string | null },
  commissioner: BillingCommissioner,
): Recipient {
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
    address: r.holderAddress ?? null,
    customerCode: `DP-${commissioner.code}-${r.budgetReference}`,
  };
}

type LineHead = Omit<PlannedLine, 'quantity' | 'amountPence' | 'vatPence' | 'budgetReferences' | 'councilIds' | 'entries' | 'unitPence' | 'vatUnitPence' | 'periodStart' | 'periodEnd'> &
  Partial<Pick<PlannedLine, 'unitPence' | 'vatUnitPence' | 'periodStart' | 'periodEnd'>>;

interface LineDraft {
  line: LineHead;
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

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A line from its entries. A place line: quantity = places, each at the line's unit price, each budget
 * reference listed. A sessions line: quantity = sessions, amount and VAT the sums of theirs (a price split
 * to the penny gives the earliest sessions a penny more), unit = the base per-session price, period = the
 * first and last session, one budget reference per place.
 */
function finishLine(draft: LineDraft): PlannedLine {
  const kind = draft.line.kind ?? 'census';
  const entries = [...draft.entries].sort(
    (a, b) =>
      compare(a.budgetReference, b.budgetReference) ||
      compare(a.registrationId, b.registrationId) ||
      compare(a.sessionDate ?? '', b.sessionDate ?? '') ||
      compare(a.unit, b.unit),
  );
  const quantity = entries.length;
  if (!isSharedKind(kind)) {
    const unitPence = draft.line.unitPence!;
    const vatUnitPence = draft.line.vatUnitPence!;
    return {
      ...draft.line,
      kind,
      periodStart: draft.line.periodStart!,
      periodEnd: draft.line.periodEnd!,
      quantity,
      unitPence,
      amountPence: quantity * unitPence,
      vatUnitPence,
      vatPence: quantity * vatUnitPence,
      budgetReferences: entries.map((e) => e.budgetReference),
      councilIds: entries.map((e) => e.councilId),
      entries,
    };
  }
  const amountPence = entries.reduce((s, e) => s + e.amountPence, 0);
  const vatPence = entries.reduce((s, e) => s + e.vatPence, 0);
  const places = [...new Map(entries.map((e) => [e.registrationId, e])).values()];
  const dates = entries.map((e) => e.sessionDate!).sort();
  return {
    ...draft.line,
    kind,
    periodStart: draft.line.periodStart ?? dates[0],
    periodEnd: draft.line.periodEnd ?? dates[dates.length - 1],
    quantity,
    unitPence: Math.floor(amountPence / quantity),
    amountPence,
    vatUnitPence: Math.floor(vatPence / quantity),
    vatPence,
    budgetReferences: places.map((e) => e.budgetReference),
    councilIds: places.map((e) => e.councilId),
    entries,
  };
}

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

const KIND_ORDER: Record<UnitKind, string> = { census: '0', late_joiner: '1', sessions: '2', cancelled_session: '3' };

/** What a line says, by kind and direction. */
export function lineDescription(kind: UnitKind, change: 1 | -1, programme: string, term: BillingTerm): string {
  const pt = `${programme}, ${term.name}`;
  switch (kind) {
    case 'census':
      return change === 1
        ? `${pt}: participants registered at the census date ${term.censusDate}`
        : `Credit: ${pt}: no longer registered at the census date ${term.censusDate}`;
    case 'late_joiner':
      return change === 1
        ? `${pt}: late joiners (places taken after the census date ${term.censusDate}), priced by the sessions left`
        : `Credit: ${pt}: late joiners withdrawn on or before the day they took their place`;
    case 'sessions':
      return change === 1 ? `${pt}: sessions covered by the place` : `Credit: ${pt}: sessions no longer covered, cancelled or re-priced`;
    case 'cancelled_session':
      return `Credit: ${pt}: cancelled sessions not made up (price ÷ sessions, per place billed)`;
  }
}

/** The facts' reference data by id (each lookup throws on an id the facts lack). */
interface FactIndex {
  term: (id: string) => BillingTerm;
  programme: (id: string) => BillingProgramme;
  contract: (id: string) => BillingContract;
  commissioner: (id: string) => BillingCommissioner;
}

/** The documents a run issues for the facts it loaded, in numbering order (numbers are given when written). */
export function planBilling(facts: BillingFacts): PlannedDocument[] {
  const index: FactIndex = {
    term: indexBy(facts.terms, 'term'),
    programme: indexBy(facts.programmes, 'programme'),
    contract: indexBy(facts.contracts, 'contract'),
    commissioner: indexBy(facts.commissioners, 'commissioner'),
  };
  const drafts = new Map<string, DocumentDraft>();
  for (const c of billingChanges(facts.units, facts.contracts)) {
    const doc = documentDraftFor(drafts, c, index);
    lineDraftFor(doc, c, index).entries.push(ledgerEntryOf(c));
  }
  return [...drafts.values()].map((d) => finishDocument(d, facts.runOn)).sort(documentOrder);
}

/** The document a change goes on: one per kind, recipient and purchase order. */
function documentDraftFor(drafts: Map<string, DocumentDraft>, c: BillingChange, index: FactIndex): DocumentDraft {
  const u = c.unit;
  const payer = index.commissioner(u.commissionerId);
  const kind: DocumentKind = c.change === 1 ? 'invoice' : 'credit_note';
  const recipient = recipientOf(u, payer);
  const poNumber = recipient.type === 'budget_holder' && u.kind === 'sessions' ? null : c.change === 1 ? u.poNumber : (u.billed?.poNumber ?? u.poNumber);
  const documentKey = [kind, recipient.type, recipient.type === 'commissioner' ? recipient.commissionerId : recipient.budgetId, poNumber ?? ''].join('|');
  let doc = drafts.get(documentKey);
  if (!doc) {
    doc = { kind, recipient, poNumber, paymentTermsDays: payer.paymentTermsDays, lines: new Map() };
    drafts.set(documentKey, doc);
  }
  return doc;
}

/** The line of `doc` a change goes on: one per programme, term, contract and kind (and, per place, price). */
function lineDraftFor(doc: DocumentDraft, c: BillingChange, index: FactIndex): LineDraft {
  const u = c.unit;
  const perPlace = !isSharedKind(u.kind);
  const lineKey = [u.programmeId, u.termId, u.contractId, u.kind, ...(perPlace ? [c.amountPence, c.vatPence] : [])].join('|');
  let line = doc.lines.get(lineKey);
  if (line) return line;
  const t = index.term(u.termId);
  const p = index.programme(u.programmeId);
  const k = index.contract(u.contractId);
  line = {
    line: {
      kind: u.kind,
      description: lineDescription(u.kind, c.change, p.name, t),
      programmeId: u.programmeId,
      termId: u.termId,
      contractId: u.contractId,
      ...(perPlace ? { periodStart: t.startsOn, periodEnd: t.endsOn, unitPence: c.amountPence, vatUnitPence: c.vatPence } : {}),
      vatTreatment: k.vatTreatment ?? (k.vatRateBasisPoints > 0 ? 'standard' : 'exempt'),
      vatRateBasisPoints: vatRateOf(k),
      nominalCode: k.nominalCode ?? null,
      departmentCode: k.departmentCode ?? null,
    },
    sortKey: [t.startsOn, t.id, p.name, p.id, KIND_ORDER[u.kind], perPlace ? String(c.amountPence).padStart(12, '0') : '', u.contractId].join('|'),
    entries: [],
  };
  doc.lines.set(lineKey, line);
  return line;
}

/** The ledger entry a change writes. */
function ledgerEntryOf(c: BillingChange): PlannedLedgerEntry {
  const u = c.unit;
  return {
    registrationId: u.registrationId,
    unit: u.unit,
    sessionId: u.sessionId,
    sessionDate: u.sessionDate,
    programmeId: u.programmeId,
    termId: u.termId,
    version: c.version,
    change: c.change,
    budgetReference: u.budgetReference,
    councilId: u.councilId,
    amountPence: c.amountPence,
    vatPence: c.vatPence,
    reversesDocumentId: c.change === 1 ? null : u.billed!.lastInvoiceId,
  };
}

/** A drafted document with its lines in order, its dates, what it credits and why, and its totals. */
function finishDocument(d: DocumentDraft, runOn: string): PlannedDocument {
  const lines = [...d.lines.values()].sort((a, b) => compare(a.sortKey, b.sortKey)).map(finishLine);
  const reversed = new Set(lines.flatMap((l) => l.entries.map((e) => e.reversesDocumentId)).filter((id): id is string => id !== null));
  return {
    kind: d.kind,
    recipient: d.recipient,
    issueDate: runOn,
    dueDate: d.kind === 'invoice' ? addDays(runOn, d.paymentTermsDays) : runOn,
    poNumber: d.poNumber,
    creditedDocumentId: d.kind === 'credit_note' && reversed.size === 1 ? [...reversed][0] : null,
    reason: d.kind === 'credit_note' ? creditReason(lines) : null,
    lines,
    ...documentTotals(lines),
  };
}

/** Why a run's credit note credits: its place and sessions lines' reason as before, and the cancelled sessions'. */
function creditReason(lines: PlannedLine[]): string {
  const others = lines.filter((l) => l.kind !== 'cancelled_session');
  const reasons = [
    ...(others.length === 0 ? [] : [others.every((l) => l.kind === 'sessions') ? SESSIONS_CREDIT_REASON : BACKDATED_WITHDRAWAL_REASON]),
    ...(others.length < lines.length ? [CANCELLED_SESSIONS_REASON] : []),
  ];
  return reasons.join('; ');
}

/** An issued invoice line and the ledger entries (invoiced) still open on it, for a full credit. */
export interface CreditableLine
  extends Pick<PlannedLine, 'description' | 'programmeId' | 'termId' | 'contractId' | 'periodStart' | 'periodEnd' | 'unitPence' | 'vatUnitPence'> {
  kind?: UnitKind;
  vatTreatment?: VatTreatment;
  vatRateBasisPoints?: number;
  nominalCode?: string | null;
  departmentCode?: string | null;
  /** The invoice's entries on this line that are still their unit's latest. */
  open: Array<{
    registrationId: string;
    version: number;
    budgetReference: string;
    unit?: string;
    sessionId?: string | null;
    sessionDate?: string | null;
    councilId?: string | null;
    amountPence?: number;
    vatPence?: number;
  }>;
}

export interface CreditableInvoice {
  id: string;
  number: string;
  recipient: Recipient;
  poNumber: string | null;
  lines: CreditableLine[];
}

/**
 * A full credit of an invoice: a credit note mirroring its lines for every unit it still bills (one
 * already credited or re-billed since is not credited again), with the ledger entries that let a later
 * run invoice them again. Null when nothing on the invoice is still billed.
 */
export function creditNoteFor(invoice: CreditableInvoice, issueDate: string, reason: string): PlannedDocument | null {
  const lines = invoice.lines
    .filter((l) => l.open.length > 0)
    .map((l) => {
      const { open, ...head } = l;
      const kind = l.kind ?? 'census';
      return finishLine({
        line: {
          ...head,
          kind,
          description: `Credit of ${invoice.number}: ${l.description}`,
          ...(isSharedKind(kind) ? { periodStart: undefined, periodEnd: undefined } : {}),
        },
        sortKey: '',
        entries: open.map((e) => ({
          registrationId: e.registrationId,
          unit: e.unit ?? 'place',
          sessionId: e.sessionId ?? null,
          sessionDate: e.sessionDate ?? null,
          programmeId: l.programmeId,
          termId: l.termId,
          version: e.version + 1,
          change: -1 as const,
          budgetReference: e.budgetReference,
          councilId: e.councilId ?? null,
          amountPence: e.amountPence ?? l.unitPence,
          vatPence: e.vatPence ?? l.vatUnitPence,
          reversesDocumentId: invoice.id,
        })),
      });
    });
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
