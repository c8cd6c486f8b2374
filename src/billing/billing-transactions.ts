import type { Queryable } from '../database/sql.js';
import {
  type BillingCommissioner,
  type BillingContract,
  type BillingFacts,
  type BillingProgramme,
  type BillingTerm,
  type BillingUnit,
  type CreditableInvoice,
  creditNoteFor,
  type PlannedDocument,
  planBilling,
  type Recipient,
} from './billing-lines.js';
import { BillingLedgerRepository } from './billing-ledger.repository.js';
import { type DocumentSeries, numberBlock, SERIES_OF } from './invoice-numbering.js';
import { billableCensusRange, quarterOf } from './quarter.js';

/**
 * Billing as functions of SQL alone (a transaction's EntityManager, or a `pg` shim in the tests and the
 * benchmark): loading a quarter's facts in a few set-based queries, writing planned documents with
 * batched multi-row INSERTs, and the run's state changes. Callers run each in one transaction.
 */

/** Namespace of the quarter advisory locks (any fixed number distinct from the migrations lock). */
const QUARTER_LOCK_NAMESPACE = 74201;

/** Serialises everything that writes a quarter's billing ledger (runs and full credits), until commit. */
export async function lockQuarter(sql: Queryable, quarter: string): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [QUARTER_LOCK_NAMESPACE, quarter]);
}

/** The quarter's lock if nobody holds it (false: a run or a credit of the quarter is being written right now). */
export async function tryLockQuarter(sql: Queryable, quarter: string): Promise<boolean> {
  const [row] = await sql.query(`SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked`, [QUARTER_LOCK_NAMESPACE, quarter]);
  return row.locked === true;
}

/**
 * Everything a run of `quarter` on London date `runOn` decides from: the billing units it may touch
 * (BillingLedgerRepository: places whose billing date — census, or a late joiner's day — falls in the
 * quarter and not after runOn; sessions of direct payments dated in it and not after runOn, and earlier
 * sessions already billed whose amount should change) with what each should be and has been billed, and
 * the terms, contracts, commissioners and programmes they refer to.
 */
export async function loadBillingFacts(sql: Queryable, quarter: string, runOn: string): Promise<BillingFacts> {
  const empty: BillingFacts = { runOn, terms: [], programmes: [], contracts: [], commissioners: [], units: [] };
  const range = billableCensusRange(quarter, runOn);
  if (!range) return empty;
  // one connection (the transaction's): one statement at a time
  const units = [...(await BillingLedgerRepository.placeUnits(sql, range)), ...(await BillingLedgerRepository.sessionUnits(sql, range))];
  if (units.length === 0) return empty;
  const ids = (pick: (u: BillingUnit) => string) => [...new Set(units.map(pick))];
  const terms: BillingTerm[] = await sql.query(
    `SELECT id, name, starts_on AS "startsOn", ends_on AS "endsOn", census_date AS "censusDate"
       FROM terms WHERE id = ANY($1::uuid[]) ORDER BY starts_on`,
    [ids((u) => u.termId)],
  );
  const contracts: BillingContract[] = await sql.query(
    `SELECT id, commissioner_id AS "commissionerId", vat_rate_basis_points AS "vatRateBasisPoints", vat_treatment AS "vatTreatment",
            nominal_code AS "nominalCode", department_code AS "departmentCode"
       FROM contracts WHERE id = ANY($1::uuid[])`,
    [ids((u) => u.contractId)],
  );
  const commissioners: BillingCommissioner[] = await sql.query(
    `SELECT id, name, code, invoice_email AS "invoiceEmail", address, payment_terms_days AS "paymentTermsDays"
       FROM commissioners WHERE id = ANY($1::uuid[])`,
    [ids((u) => u.commissionerId)],
  );
  const programmes: BillingProgramme[] = await sql.query(`SELECT id, name FROM programmes WHERE id = ANY($1::uuid[])`, [
    ids((u) => u.programmeId),
  ]);
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
    const [counter] = await sql.query(
      `WITH moved AS (
         UPDATE document_counters SET last_number = last_number + $2 WHERE series = $1 RETURNING last_number)
       SELECT last_number AS "lastNumber" FROM moved`,
      [series, ofSeries.length],
    );
    numberBlock(series, Number(counter.lastNumber), ofSeries.length).forEach((n, i) => numbers.set(ofSeries[i], n));
  }

  const inserted: Array<{ id: string; number: string }> = await sql.query(
    `INSERT INTO documents (series, seq, number, kind, billing_run_id, recipient_type, commissioner_id, budget_id,
                            recipient_name, recipient_email, recipient_address, customer_code, issue_date, due_date,
                            po_number, net_pence, vat_pence, total_pence, credited_document_id, reason, created_by)
     SELECT split_part(x.number, '-', 1), split_part(x.number, '-', 2)::int, x.number, x.kind, $2, x.recipient_type,
            x.commissioner_id, x.budget_id, x.recipient_name, x.recipient_email, x.recipient_address, x.customer_code,
            x.issue_date, x.due_date, x.po_number, x.net_pence, x.vat_pence, x.total_pence, x.credited_document_id,
            x.reason, $3
       FROM jsonb_to_recordset($1::jsonb) AS x(
              number text, kind text, recipient_type text, commissioner_id uuid, budget_id uuid, recipient_name text,
              recipient_email text, recipient_address text, customer_code text, issue_date date, due_date date,
              po_number text, net_pence bigint, vat_pence bigint, total_pence bigint, credited_document_id uuid,
              reason text, ord int)
      ORDER BY x.ord
     RETURNING id, number`,
    [
      JSON.stringify(
        documents.map((d, ord) => ({
          ord,
          number: numbers.get(d),
          kind: d.kind,
          ...recipientColumns(d.recipient),
          issue_date: d.issueDate,
          due_date: d.dueDate,
          po_number: d.poNumber,
          net_pence: d.netPence,
          vat_pence: d.vatPence,
          total_pence: d.totalPence,
          credited_document_id: d.creditedDocumentId,
          reason: d.reason,
        })),
      ),
      meta.billingRunId,
      meta.createdBy,
    ],
  );
  const idOf = new Map(inserted.map((row) => [row.number, row.id]));
  const issued = documents.map((d) => ({ id: idOf.get(numbers.get(d)!)!, number: numbers.get(d)!, kind: d.kind, totalPence: d.totalPence }));

  const lines = documents.flatMap((d, i) =>
    d.lines.map((l, j) => ({
      document_id: issued[i].id,
      line: j + 1,
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
      kind: l.kind ?? 'census',
      vat_treatment: l.vatTreatment ?? (l.vatUnitPence > 0 ? 'standard' : 'exempt'),
      vat_rate_basis_points: l.vatRateBasisPoints ?? 0,
      nominal_code: l.nominalCode ?? null,
      department_code: l.departmentCode ?? null,
    })),
  );
  await sql.query(
    `INSERT INTO document_lines (document_id, line, description, programme_id, term_id, contract_id, period_start,
                                 period_end, quantity, unit_pence, amount_pence, vat_unit_pence, vat_pence, budget_references,
                                 council_ids, kind, vat_treatment, vat_rate_basis_points, nominal_code, department_code)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
              document_id uuid, line int, description text, programme_id uuid, term_id uuid, contract_id uuid,
              period_start date, period_end date, quantity int, unit_pence int, amount_pence bigint,
              vat_unit_pence int, vat_pence bigint, budget_references text[], council_ids text[], kind text,
              vat_treatment text, vat_rate_basis_points int, nominal_code text, department_code text)`,
    [JSON.stringify(lines)],
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
          reversesDocumentId: e.reversesDocumentId,
        })),
      ),
    ),
  );
  return issued;
}

function recipientColumns(r: Recipient) {
  return {
    recipient_type: r.type,
    commissioner_id: r.commissionerId,
    budget_id: r.budgetId,
    recipient_name: r.name,
    recipient_email: r.email,
    recipient_address: r.address,
    customer_code: r.customerCode,
  };
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
  const [run] = await sql.query(`SELECT quarter, status FROM billing_runs WHERE id = $1`, [runId]);
  if (!run || run.status === 'completed') return { executed: false, issued: [] };
  await lockQuarter(sql, run.quarter);
  const [locked] = await sql.query(`SELECT status FROM billing_runs WHERE id = $1 FOR UPDATE`, [runId]);
  if (locked.status === 'completed') return { executed: false, issued: [] };
  const facts = await loadBillingFacts(sql, run.quarter, runOn);
  const issued = await issueDocuments(sql, planBilling(facts), { billingRunId: runId, createdBy: null });
  await sql.query(
    `WITH totals AS (
       SELECT count(*) FILTER (WHERE kind = 'invoice') AS invoices,
              count(*) FILTER (WHERE kind = 'credit_note') AS credit_notes,
              coalesce(sum(CASE WHEN kind = 'invoice' THEN total_pence ELSE -total_pence END), 0) AS total
         FROM documents WHERE billing_run_id = $1),
     done AS (
       UPDATE billing_runs r
          SET status = 'completed', run_on = $2, error = NULL, completed_at = now(), updated_at = now(),
              invoice_count = totals.invoices, credit_note_count = totals.credit_notes, total_pence = totals.total
         FROM totals WHERE r.id = $1 RETURNING r.id)
     SELECT id FROM done`,
    [runId, runOn],
  );
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
  const [invoice] = await sql.query(
    `SELECT id, number, kind, recipient_type AS type, commissioner_id AS "commissionerId", budget_id AS "budgetId",
            recipient_name AS name, recipient_email AS email, recipient_address AS address,
            customer_code AS "customerCode", po_number AS "poNumber"
       FROM documents WHERE id = $1`,
    [invoiceId],
  );
  if (!invoice) return { outcome: 'not-found' };
  if (invoice.kind !== 'invoice') return { outcome: 'not-an-invoice' };
  const lines: Array<Omit<CreditableInvoice['lines'][number], 'open'> & { line: number; censusDate: string; sessionsUntil: string | null }> =
    await sql.query(
      `SELECT l.line, l.kind, l.description, l.programme_id AS "programmeId", l.term_id AS "termId", l.contract_id AS "contractId",
              l.period_start AS "periodStart", l.period_end AS "periodEnd", l.unit_pence AS "unitPence",
              l.vat_unit_pence AS "vatUnitPence", l.vat_treatment AS "vatTreatment", l.vat_rate_basis_points AS "vatRateBasisPoints",
              l.nominal_code AS "nominalCode", l.department_code AS "departmentCode", t.census_date AS "censusDate",
              (SELECT max(e.session_date)::text FROM billing_ledger e WHERE e.document_id = l.document_id AND e.line = l.line) AS "sessionsUntil"
         FROM document_lines l JOIN terms t ON t.id = l.term_id
        WHERE l.document_id = $1 ORDER BY l.line`,
      [invoiceId],
    );
  // the quarters whose runs write these units: a place's billing quarter, a session's own quarter
  const quarters = lines.flatMap((l) => [quarterOf(l.censusDate), quarterOf(l.periodStart), ...(l.sessionsUntil ? [quarterOf(l.sessionsUntil)] : [])]);
  for (const quarter of [...new Set(quarters)].sort()) await lockQuarter(sql, quarter);
  const open: Array<CreditableInvoice['lines'][number]['open'][number] & { line: number }> = await sql.query(
    `SELECT l.line, l.registration_id AS "registrationId", l.version, l.budget_reference AS "budgetReference", l.unit,
            l.session_id AS "sessionId", l.session_date::text AS "sessionDate", l.council_id AS "councilId",
            l.amount_pence AS "amountPence", l.vat_pence AS "vatPence"
       FROM billing_ledger l
      WHERE l.document_id = $1 AND l.change = 1
        AND NOT EXISTS (SELECT 1 FROM billing_ledger n WHERE n.registration_id = l.registration_id AND n.unit = l.unit AND n.version > l.version)`,
    [invoiceId],
  );
  const { number, poNumber, id, kind: _kind, ...recipient } = invoice;
  const plan = creditNoteFor(
    {
      id,
      number,
      poNumber,
      recipient: recipient as Recipient,
      lines: lines.map(({ line, censusDate: _census, sessionsUntil: _until, ...l }) => ({ ...l, open: open.filter((e) => e.line === line) })),
    },
    issueDate,
    reason,
  );
  if (!plan) return { outcome: 'nothing-to-credit' };
  const [document] = await issueDocuments(sql, [plan], { billingRunId: null, createdBy });
  return { outcome: 'issued', document };
}
