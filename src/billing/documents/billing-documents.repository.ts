import { execute, one, rows } from '../../database/database.repository.js';
import { type Queryable, raw, sql } from '../../database/sql.js';
import type {
  BillingCommissioner,
  BillingContract,
  BillingProgramme,
  BillingTerm,
  CreditableLine,
  PlannedDocument,
  Recipient,
  UnitKind,
  VatTreatment,
} from '../runs/billing-lines.js';
import { type DocumentRow, type LineRow as DocumentLineRow, plannedLineRow } from './document-responses.js';
import type { DocumentSeries } from './invoice-numbering.js';

/*
 * The SQL of billing's documents (documents, document_lines, document_counters) and of the reference
 * data a run reads (terms, contracts, commissioners, programmes by id). Called inside the caller's
 * transaction (billing-transactions.ts); documents and lines are written in one batched statement each.
 */

// ---- Reference data a run decides from ------------------------------------------------------------

interface TermRow {
  id: string;
  name: string;
  starts_on: string;
  ends_on: string;
  census_date: string;
}

export async function billingTerms(db: Queryable, ids: readonly string[]): Promise<BillingTerm[]> {
  const found = await rows<TermRow>(
    db,
    sql`SELECT id, name, starts_on, ends_on, census_date FROM terms WHERE id = ANY(${ids}::uuid[]) ORDER BY starts_on`,
  );
  return found.map((r) => ({ id: r.id, name: r.name, startsOn: r.starts_on, endsOn: r.ends_on, censusDate: r.census_date }));
}

interface ContractRow {
  id: string;
  commissioner_id: string;
  vat_rate_basis_points: number;
  vat_treatment: VatTreatment;
  nominal_code: string | null;
  department_code: string | null;
}

export async function billingContracts(db: Queryable, ids: readonly string[]): Promise<BillingContract[]> {
  const found = await rows<ContractRow>(
    db,
    sql`SELECT id, commissioner_id, vat_rate_basis_points, vat_treatment, nominal_code, department_code
          FROM contracts WHERE id = ANY(${ids}::uuid[])`,
  );
  return found.map((r) => ({
    id: r.id,
    commissionerId: r.commissioner_id,
    vatRateBasisPoints: r.vat_rate_basis_points,
    vatTreatment: r.vat_treatment,
    nominalCode: r.nominal_code,
    departmentCode: r.department_code,
  }));
}

interface CommissionerRow {
  id: string;
  name: string;
  code: string;
  invoice_email: string | null;
  address: string | null;
  payment_terms_days: number;
}

export async function billingCommissioners(db: Queryable, ids: readonly string[]): Promise<BillingCommissioner[]> {
  const found = await rows<CommissionerRow>(
    db,
    sql`SELECT id, name, code, invoice_email, address, payment_terms_days FROM commissioners WHERE id = ANY(${ids}::uuid[])`,
  );
  return found.map((r) => ({
    id: r.id,
    name: r.name,
    code: r.code,
    invoiceEmail: r.invoice_email,
    address: r.address,
    paymentTermsDays: r.payment_terms_days,
  }));
}

export function billingProgrammes(db: Queryable, ids: readonly string[]): Promise<BillingProgramme[]> {
  return rows<BillingProgramme>(db, sql`SELECT id, name FROM programmes WHERE id = ANY(${ids}::uuid[])`);
}

// ---- Issuing documents -------------------------------------------------------------------------------

/** Moves the series' counter on by `count`; the last number of the block now taken. */
export async function advanceCounter(db: Queryable, series: DocumentSeries, count: number): Promise<number> {
  const row = await one<{ last_number: number }>(
    db,
    sql`WITH moved AS (UPDATE document_counters SET last_number = last_number + ${count} WHERE series = ${series} RETURNING last_number)
        SELECT last_number FROM moved`,
  );
  return Number(row!.last_number);
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

/** Writes numbered documents in one statement; their ids by number. */
export async function insertDocuments(
  db: Queryable,
  documents: ReadonlyArray<{ number: string; document: PlannedDocument }>,
  meta: { billingRunId: string | null; createdBy: string | null },
): Promise<Map<string, string>> {
  const records = documents.map(({ number, document: d }, ord) => ({
    ord,
    number,
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
  }));
  const inserted = await rows<{ id: string; number: string }>(
    db,
    sql`INSERT INTO documents (series, seq, number, kind, billing_run_id, recipient_type, commissioner_id, budget_id,
                               recipient_name, recipient_email, recipient_address, customer_code, issue_date, due_date,
                               po_number, net_pence, vat_pence, total_pence, credited_document_id, reason, created_by)
        SELECT split_part(x.number, '-', 1), split_part(x.number, '-', 2)::int, x.number, x.kind, ${meta.billingRunId}, x.recipient_type,
               x.commissioner_id, x.budget_id, x.recipient_name, x.recipient_email, x.recipient_address, x.customer_code,
               x.issue_date, x.due_date, x.po_number, x.net_pence, x.vat_pence, x.total_pence, x.credited_document_id,
               x.reason, ${meta.createdBy}
          FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS x(
                 number text, kind text, recipient_type text, commissioner_id uuid, budget_id uuid, recipient_name text,
                 recipient_email text, recipient_address text, customer_code text, issue_date date, due_date date,
                 po_number text, net_pence bigint, vat_pence bigint, total_pence bigint, credited_document_id uuid,
                 reason text, ord int)
         ORDER BY x.ord
        RETURNING id, number`,
  );
  return new Map(inserted.map((row) => [row.number, row.id]));
}

/** Writes the documents' lines (numbered from 1 on each document) in one statement. */
export async function insertLines(db: Queryable, documents: ReadonlyArray<{ id: string; document: PlannedDocument }>): Promise<void> {
  const lines = documents.flatMap(({ id, document: d }) => d.lines.map((l, j) => plannedLineRow(id, j + 1, l)));
  await execute(
    db,
    sql`INSERT INTO document_lines (document_id, line, description, programme_id, term_id, contract_id, period_start,
                                    period_end, quantity, unit_pence, amount_pence, vat_unit_pence, vat_pence, budget_references,
                                    council_ids, kind, vat_treatment, vat_rate_basis_points, nominal_code, department_code)
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) AS x(
                 document_id uuid, line int, description text, programme_id uuid, term_id uuid, contract_id uuid,
                 period_start date, period_end date, quantity int, unit_pence int, amount_pence bigint,
                 vat_unit_pence int, vat_pence bigint, budget_references text[], council_ids text[], kind text,
                 vat_treatment text, vat_rate_basis_points int, nominal_code text, department_code text)`,
  );
}

// ---- Crediting an invoice ---------------------------------------------------------------------------

/** A document as a full credit reads it: its number, kind, recipient and purchase order. */
export interface DocumentHead {
  id: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  recipient: Recipient;
  poNumber: string | null;
}

type DocumentHeadRow = Pick<
  DocumentRow,
  'id' | 'number' | 'kind' | 'recipient_type' | 'commissioner_id' | 'budget_id' | 'recipient_name' | 'recipient_email' | 'recipient_address' | 'customer_code' | 'po_number'
>;

export async function documentHead(db: Queryable, id: string): Promise<DocumentHead | undefined> {
  const r = await one<DocumentHeadRow>(
    db,
    sql`SELECT id, number, kind, recipient_type, commissioner_id, budget_id, recipient_name, recipient_email, recipient_address,
               customer_code, po_number
          FROM documents WHERE id = ${id}`,
  );
  return (
    r && {
      id: r.id,
      number: r.number,
      kind: r.kind,
      recipient: {
        type: r.recipient_type,
        commissionerId: r.commissioner_id,
        budgetId: r.budget_id,
        name: r.recipient_name,
        email: r.recipient_email,
        address: r.recipient_address,
        customerCode: r.customer_code,
      },
      poNumber: r.po_number,
    }
  );
}

/** A document's line as a full credit mirrors it, with the census of its term and its last session's date. */
export type DocumentLineToCredit = Omit<CreditableLine, 'open'> & { line: number; censusDate: string; sessionsUntil: string | null };

interface LineRow {
  line: number;
  kind: UnitKind;
  description: string;
  programme_id: string;
  term_id: string;
  contract_id: string;
  period_start: string;
  period_end: string;
  unit_pence: number;
  vat_unit_pence: number;
  vat_treatment: VatTreatment;
  vat_rate_basis_points: number;
  nominal_code: string | null;
  department_code: string | null;
  census_date: string;
  sessions_until: string | null;
}

export async function linesToCredit(db: Queryable, documentId: string): Promise<DocumentLineToCredit[]> {
  const found = await rows<LineRow>(
    db,
    sql`SELECT l.line, l.kind, l.description, l.programme_id, l.term_id, l.contract_id, l.period_start, l.period_end, l.unit_pence,
               l.vat_unit_pence, l.vat_treatment, l.vat_rate_basis_points, l.nominal_code, l.department_code, t.census_date,
               (SELECT max(e.session_date)::text FROM billing_ledger e WHERE e.document_id = l.document_id AND e.line = l.line) AS sessions_until
          FROM document_lines l JOIN terms t ON t.id = l.term_id
         WHERE l.document_id = ${documentId} ORDER BY l.line`,
  );
  return found.map((r) => ({
    line: r.line,
    kind: r.kind,
    description: r.description,
    programmeId: r.programme_id,
    termId: r.term_id,
    contractId: r.contract_id,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    unitPence: r.unit_pence,
    vatUnitPence: r.vat_unit_pence,
    vatTreatment: r.vat_treatment,
    vatRateBasisPoints: r.vat_rate_basis_points,
    nominalCode: r.nominal_code,
    departmentCode: r.department_code,
    censusDate: r.census_date,
    sessionsUntil: r.sessions_until,
  }));
}

// ---- Reading documents ------------------------------------------------------------------------------

/**
 * The documents' columns, with what has been paid and credited against each and what is outstanding,
 * as the database function invoice_balances() defines them (nothing for a credit note: 0).
 */
const PAID = `coalesce((SELECT b.paid_pence FROM invoice_balances() b WHERE b.document_id = d.id), 0)`;
const CREDITED = `coalesce((SELECT b.credited_pence FROM invoice_balances() b WHERE b.document_id = d.id), 0)`;
/** The document's status: the database function document_status (migration DocumentStatus), its one definition. */
const STATUS = `document_status(d.kind, d.total_pence, ${PAID}, ${CREDITED})`;
const DOCUMENT_STATUS = raw(STATUS);
const DOCUMENT_COLUMNS = raw(`d.id, d.number, d.kind, d.billing_run_id, d.recipient_type, d.commissioner_id, d.budget_id,
  d.recipient_name, d.recipient_email, d.recipient_address, d.customer_code, d.issue_date, d.due_date, d.po_number,
  d.net_pence, d.vat_pence, d.total_pence, d.credited_document_id, d.reason, d.created_at,
  ${PAID} AS paid_pence, ${CREDITED} AS credited_pence,
  coalesce((SELECT b.outstanding_pence FROM invoice_balances() b WHERE b.document_id = d.id), 0) AS outstanding_pence,
  ${STATUS} AS status`);

export interface DocumentFilter {
  after: string | null;
  billingRunId: string | null;
  commissionerId: string | null;
  kind: string | null;
  budgetId: string | null;
  number: string | null;
  dueBefore: string | null;
  status: string | null;
  limit: number;
}

/** Up to `limit` documents after document `after`, by id, matching every filter given. */
export function listDocuments(db: Queryable, f: DocumentFilter): Promise<DocumentRow[]> {
  return rows<DocumentRow>(
    db,
    sql`SELECT ${DOCUMENT_COLUMNS} FROM documents d
         WHERE (${f.after}::uuid IS NULL OR d.id > ${f.after}) AND (${f.billingRunId}::uuid IS NULL OR d.billing_run_id = ${f.billingRunId})
           AND (${f.commissionerId}::uuid IS NULL OR d.commissioner_id = ${f.commissionerId}) AND (${f.kind}::text IS NULL OR d.kind = ${f.kind})
           AND (${f.budgetId}::uuid IS NULL OR d.budget_id = ${f.budgetId})
           AND (${f.number}::text IS NULL OR d.number = ${f.number}) AND (${f.dueBefore}::date IS NULL OR d.due_date < ${f.dueBefore})
           AND (${f.status}::text IS NULL OR ${DOCUMENT_STATUS} = ${f.status})
         ORDER BY d.id LIMIT ${f.limit}`,
  );
}

export function findDocument(db: Queryable, id: string): Promise<DocumentRow | undefined> {
  return one<DocumentRow>(db, sql`SELECT ${DOCUMENT_COLUMNS} FROM documents d WHERE d.id = ${id}`);
}

/** The documents' lines, by document, in line order. */
export async function linesOfDocuments(db: Queryable, ids: readonly string[]): Promise<Map<string, DocumentLineRow[]>> {
  const byDocument = new Map<string, DocumentLineRow[]>();
  if (ids.length === 0) return byDocument;
  const lines = await rows<DocumentLineRow>(db, sql`SELECT * FROM document_lines WHERE document_id = ANY(${ids}::uuid[]) ORDER BY document_id, line`);
  for (const line of lines) byDocument.set(line.document_id, [...(byDocument.get(line.document_id) ?? []), line]);
  return byDocument;
}

/** The terms' names by id (a document's lines name their term). */
export async function termNames(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  const found = await rows<{ id: string; name: string }>(db, sql`SELECT id, name FROM terms WHERE id = ANY(${ids}::uuid[])`);
  return new Map(found.map((t) => [t.id, t.name]));
}
