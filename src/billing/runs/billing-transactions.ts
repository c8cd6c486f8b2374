import type { Queryable } from '../../database/sql.js';
import { type BillingFacts, type BillingUnit, creditNoteFor, type PlannedDocument, planBilling } from './billing-lines.js';
import {
  advanceCounter,
  billingCommissioners,
  billingContracts,
  billingProgrammes,
  billingTerms,
  documentHead,
  insertDocuments,
  insertLines,
  linesToCredit,
} from '../documents/billing-documents.repository.js';
import { BillingLedgerRepository, lockQuarter, openEntriesOf } from '../documents/billing-ledger.repository.js';
import { completeRun, lockRun, runState } from './billing-run.repository.js';
import { type DocumentSeries, numberBlock, SERIES_OF } from '../documents/invoice-numbering.js';
import { billableCensusRange, quarterOf } from '../quarter.js';

/**
 * Billing's transactions, in the caller's transaction (a manager, or a `pg` shim in the tests that race
 * them): loading a quarter's facts, issuing planned documents, executing a run, crediting an invoice.
 * The SQL is in the repositories (billing-ledger, billing-documents, billing-run); the arithmetic in
 * billing-lines.ts. Callers run each in one transaction.
 */

export { lockQuarter };

/**
 * Everything a run of `quarter` on London date `runOn` decides from: the billing units it may touch
 * (BillingLedgerRepository: places whose billing date — census, or a late joiner's day — falls in the
 * quarter and not after runOn; sessions of direct payments dated in it and not after runOn, and earlier
 * sessions already billed whose amount should change; the commissioner's credits for cancelled sessions
 * the run owes) with what each should be and has been billed, and
 * the terms, contracts, commissioners and programmes they refer to.
 */
export async function loadBillingFacts(sql: Queryable, quarter: string, runOn: string): Promise<BillingFacts> {
  const empty: BillingFacts = { runOn, terms: [], programmes: [], contracts: [], commissioners: [], units: [] };
  const range = billableCensusRange(quarter, runOn);
  if (!range) return empty;
  // one connection (the transaction's): one statement at a time
  const units = [
    ...(await BillingLedgerRepository.placeUnits(sql, range)),
    ...(await BillingLedgerRepository.sessionUnits(sql, range)),
    ...(await BillingLedgerRepository.cancelledSessionUnits(sql, range, runOn)),
  ];
  if (units.length === 0) return empty;
  const ids = (pick: (u: BillingUnit) => string) => [...new Set(units.map(pick))];
  const terms = await billingTerms(sql, ids((u) => u.termId));
  const contracts = await billingContracts(sql, ids((u) => u.contractId));
  const commissioners = await billingCommissioners(sql, ids((u) => u.commissionerId));
  const programmes = await billingProgrammes(sql, ids((u) => u.programmeId));
  return { runOn, terms, programmes, contracts, commissioners, units };
}

export interface IssuedDocument {
  id: string;
  number: string;
  kind: PlannedDocument['kind'];
  totalPence: number;
}

/**
 * Issues planned documents: moves each series' counter forward by the block it needs (INV before CN,
 * always in that order, so concurrent issuers cannot deadlock), numbers the documents in order, and
 * writes documents, lines and ledger entries in three statements. A rollback takes the numbers back.
 */
export async function issueDocuments(
  sql: Queryable,
  documents: PlannedDocument[],
  meta: { billingRunId: string | null; createdBy: string | null },
): Promise<IssuedDocument[]> {
  if (documents.length === 0) return [];
  const numbers = new Map<PlannedDocument, string>();
  for (const series of ['INV', 'CN'] as DocumentSeries[]) {
    const ofSeries = documents.filter((d) => SERIES_OF[d.kind] === series);
    if (ofSeries.length === 0) continue;
    const lastNumber = await advanceCounter(sql, series, ofSeries.length);
    numberBlock(series, lastNumber, ofSeries.length).forEach((n, i) => numbers.set(ofSeries[i], n));
  }
  const idOf = await insertDocuments(sql, documents.map((document) => ({ number: numbers.get(document)!, document })), meta);
  const issued = documents.map((d) => ({ id: idOf.get(numbers.get(d)!)!, number: numbers.get(d)!, kind: d.kind, totalPence: d.totalPence }));
  await insertLines(sql, documents.map((document, i) => ({ id: issued[i].id, document })));

  // a cancelled session's credit for a place this very batch invoices reverses that invoice
  const placeInvoice = new Map<string, string>();
  documents.forEach((d, i) =>
    d.lines.forEach((l) => l.entries.forEach((e) => e.unit === 'place' && e.change === 1 && placeInvoice.set(e.registrationId, issued[i].id))),
  );
  await BillingLedgerRepository.insertEntries(
    sql,
    documents.flatMap((d, i) =>
      d.lines.flatMap((l, j) =>
        l.entries.map((e) => ({
          registrationId: e.registrationId,
          unit: e.unit,
          version: e.version,
          change: e.change,
          programmeId: e.programmeId,
          termId: e.termId,
          documentId: issued[i].id,
          line: j + 1,
          budgetReference: e.budgetReference,
          councilId: e.councilId,
          sessionId: e.sessionId,
          sessionDate: e.sessionDate,
          amountPence: e.amountPence,
          vatPence: e.vatPence,
          reversesDocumentId: e.reversesDocumentId ?? (e.change === -1 ? (placeInvoice.get(e.registrationId) ?? null) : null),
        })),
      ),
    ),
  );
  return issued;
}

export interface RunOutcome {
  /** False when the run had already completed (a redelivered job): nothing was done. */
  executed: boolean;
  issued: IssuedDocument[];
}

/**
 * The billing run itself, in the caller's transaction: under the quarter's lock, unless the run has
 * completed meanwhile, bill every difference between the census and the ledger, and mark the run
 * completed with its documents' totals — all or nothing.
 */
export async function executeBillingRun(sql: Queryable, runId: string, runOn: string): Promise<RunOutcome> {
  const run = await runState(sql, runId);
  if (!run || run.status === 'completed') return { executed: false, issued: [] };
  await lockQuarter(sql, run.quarter);
  if ((await lockRun(sql, runId)) === 'completed') return { executed: false, issued: [] };
  const facts = await loadBillingFacts(sql, run.quarter, runOn);
  const issued = await issueDocuments(sql, planBilling(facts), { billingRunId: runId, createdBy: null });
  await completeRun(sql, runId, runOn);
  return { executed: true, issued };
}

/** What a run of `quarter` would issue on `runOn`, computed exactly as the run does (nothing written). */
export async function previewBilling(sql: Queryable, quarter: string, runOn: string): Promise<PlannedDocument[]> {
  return planBilling(await loadBillingFacts(sql, quarter, runOn));
}

export type CreditOutcome =
  | { outcome: 'issued'; document: IssuedDocument }
  | { outcome: 'not-found' }
  | { outcome: 'not-an-invoice' }
  | { outcome: 'nothing-to-credit' };

/**
 * A full credit of an invoice (POST /invoices/:id/credit-notes), in the caller's transaction: under
 * the locks of the quarters its terms are billed in, a credit note mirrors its lines for every
 * participant it still bills, with ledger entries (-1) so a later run may invoice them again.
 */
export async function creditInvoice(
  sql: Queryable,
  invoiceId: string,
  reason: string,
  issueDate: string,
  createdBy: string | null,
): Promise<CreditOutcome> {
  const invoice = await documentHead(sql, invoiceId);
  if (!invoice) return { outcome: 'not-found' };
  if (invoice.kind !== 'invoice') return { outcome: 'not-an-invoice' };
  const lines = await linesToCredit(sql, invoiceId);
  // the quarters whose runs write these units: a place's billing quarter, a session's own quarter
  const quarters = lines.flatMap((l) => [quarterOf(l.censusDate), quarterOf(l.periodStart), ...(l.sessionsUntil ? [quarterOf(l.sessionsUntil)] : [])]);
  for (const quarter of [...new Set(quarters)].sort()) await lockQuarter(sql, quarter);
  const open = await openEntriesOf(sql, invoiceId);
  const plan = creditNoteFor(
    {
      id: invoice.id,
      number: invoice.number,
      poNumber: invoice.poNumber,
      recipient: invoice.recipient,
      lines: lines.map(({ line, censusDate: _census, sessionsUntil: _until, ...l }) => ({ ...l, open: open.filter((e) => e.line === line) })),
    },
    issueDate,
    reason,
  );
  if (!plan) return { outcome: 'nothing-to-credit' };
  const [document] = await issueDocuments(sql, [plan], { billingRunId: null, createdBy });
  return { outcome: 'issued', document };
}
