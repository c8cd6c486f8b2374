import { one, rows as rowsOf } from '../../database/database.repository.js';
import { bind, type Queryable, raw, sql as statement } from '../../database/sql.js';
import type { DocumentStatus } from '../documents/dto/invoice.dto.js';
import type { PaymentMethod } from './payment-method.js';

/*
 * SQL over payments and what is outstanding on invoices. What is outstanding is defined once, by the
 * database function invoice_balances(as_of) (migrations/1764410000000-PaymentsAndRemittances.ts); the
 * payments trigger there is the guard against paying more than that, whoever inserts.
 */

/** An invoice (or a credit note) with what is outstanding on it now. */
export interface InvoiceBalance {
  id: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  recipientType: 'commissioner' | 'budget_holder';
  commissionerId: string;
  budgetId: string | null;
  issueDate: string;
  dueDate: string;
  totalPence: number;
  creditedPence: number;
  paidPence: number;
  /** Total less credits less payments; 0 for a credit note. Below 0 when credited after being paid. */
  outstandingPence: number;
}

export interface PaymentRecord {
  id: string;
  invoiceId: string;
  amountPence: number;
  receivedOn: string;
  reference: string;
  method: PaymentMethod;
  remittanceId: string | null;
  createdAt: Date;
}

/** A payment to record: what PaymentRecord holds but its id and time, and who recorded it. */
export type NewPayment = Omit<PaymentRecord, 'id' | 'createdAt'> & { recordedBy: string | null };

interface BalanceRow {
  id: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  recipient_type: 'commissioner' | 'budget_holder';
  commissioner_id: string;
  budget_id: string | null;
  issue_date: string;
  due_date: string;
  total_pence: string | number;
  credited_pence: string | number | null;
  paid_pence: string | number | null;
  outstanding_pence: string | number | null;
}

interface PaymentRow {
  id: string;
  document_id: string;
  amount_pence: number;
  received_on: string;
  reference: string;
  method: PaymentMethod;
  remittance_id: string | null;
  created_at: Date;
}

const toBalance = (r: BalanceRow): InvoiceBalance => ({
  id: r.id,
  number: r.number,
  kind: r.kind,
  recipientType: r.recipient_type,
  commissionerId: r.commissioner_id,
  budgetId: r.budget_id,
  issueDate: r.issue_date,
  dueDate: r.due_date,
  totalPence: Number(r.total_pence),
  creditedPence: Number(r.credited_pence ?? 0),
  paidPence: Number(r.paid_pence ?? 0),
  outstandingPence: Number(r.outstanding_pence ?? 0),
});

export const toPaymentRecord = (r: PaymentRow): PaymentRecord => ({
  id: r.id,
  invoiceId: r.document_id,
  amountPence: Number(r.amount_pence),
  receivedOn: r.received_on,
  reference: r.reference,
  method: r.method,
  remittanceId: r.remittance_id,
  createdAt: r.created_at,
});

const BALANCE_SELECT = raw(`
  SELECT d.id, d.number, d.kind, d.recipient_type, d.commissioner_id, d.budget_id, d.issue_date, d.due_date, d.total_pence,
         b.credited_pence, b.paid_pence, b.outstanding_pence
    FROM documents d LEFT JOIN invoice_balances() b ON b.document_id = d.id`);

const PAYMENT_COLUMNS = raw(`p.id, p.document_id, p.amount_pence, p.received_on, p.reference, p.method, p.remittance_id, p.created_at`);

/**
 * Locks the documents FOR NO KEY UPDATE, in id order (the lock order: after a remittance row, invoices
 * by id), so payments of one invoice queue up. Answers the ids that exist.
 */
export async function lockDocuments(sql: Queryable, ids: string[]): Promise<string[]> {
  const rows = await rowsOf<{ id: string }>(
    sql,
    statement`SELECT id FROM documents WHERE id = ANY(${[...new Set(ids)]}::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
  );
  return rows.map((r) => r.id);
}

/** The documents with what is outstanding on them, read fresh (call after locking them). */
export async function balancesOf(sql: Queryable, ids: string[]): Promise<Map<string, InvoiceBalance>> {
  const rows = await rowsOf<BalanceRow>(sql, statement`${BALANCE_SELECT} WHERE d.id = ANY(${[...new Set(ids)]}::uuid[])`);
  return new Map(rows.map((r) => [r.id, toBalance(r)]));
}

/**
 * The commissioner's own invoices (addressed to it, not to its budget holders) with money outstanding,
 * oldest first: by due date, then issue date, then number.
 */
export async function outstandingInvoicesOf(sql: Queryable, commissionerId: string): Promise<InvoiceBalance[]> {
  const rows = await rowsOf<BalanceRow>(
    sql,
    statement`${BALANCE_SELECT}
               WHERE d.commissioner_id = ${commissionerId} AND d.kind = 'invoice' AND d.recipient_type = 'commissioner' AND b.outstanding_pence > 0
               ORDER BY d.due_date, d.issue_date, d.number`,
  );
  return rows.map(toBalance);
}

/** Inserts payments in the order given (the trigger locks each invoice: give them in id order). */
export async function insertPayments(sql: Queryable, payments: NewPayment[]): Promise<PaymentRecord[]> {
  if (payments.length === 0) return [];
  const records = JSON.stringify(
    payments.map((p) => ({
      document_id: p.invoiceId,
      amount_pence: p.amountPence,
      received_on: p.receivedOn,
      reference: p.reference,
      method: p.method,
      remittance_id: p.remittanceId,
      recorded_by: p.recordedBy,
    })),
  );
  const rows = await rowsOf<PaymentRow>(
    sql,
    statement`WITH given AS (
       SELECT * FROM ROWS FROM (jsonb_to_recordset(${records}::jsonb) AS (
                document_id uuid, amount_pence int, received_on date, reference text, method text, remittance_id uuid, recorded_by uuid))
              WITH ORDINALITY AS x(document_id, amount_pence, received_on, reference, method, remittance_id, recorded_by, n)),
     inserted AS (
       INSERT INTO payments (document_id, amount_pence, received_on, reference, method, remittance_id, recorded_by)
       SELECT document_id, amount_pence, received_on, reference, method, remittance_id, recorded_by FROM given ORDER BY n
       RETURNING *)
     SELECT ${PAYMENT_COLUMNS} FROM inserted p ORDER BY p.id`,
  );
  return rows.map(toPaymentRecord);
}

/** A document's payments in the order they were recorded, each with what was paid up to and including it. */
export async function paymentsOfInvoice(sql: Queryable, invoiceId: string): Promise<Array<PaymentRecord & { paidSoFarPence: number }>> {
  const rows = await rowsOf<PaymentRow & { paid_so_far: string }>(
    sql,
    statement`SELECT ${PAYMENT_COLUMNS}, sum(p.amount_pence) OVER (ORDER BY p.id) AS paid_so_far
                FROM payments p WHERE p.document_id = ${invoiceId} ORDER BY p.id`,
  );
  return rows.map((r) => ({ ...toPaymentRecord(r), paidSoFarPence: Number(r.paid_so_far) }));
}

/**
 * The allocations (payments) of remittances in the order they were made: by the transaction that made
 * them, then oldest invoice first (the order oldest-first allocation fills them).
 */
export async function paymentsOfRemittances(sql: Queryable, remittanceIds: string[]): Promise<Array<PaymentRecord & { invoiceNumber: string }>> {
  const rows = await rowsOf<PaymentRow & { number: string }>(
    sql,
    statement`SELECT ${PAYMENT_COLUMNS}, d.number FROM payments p JOIN documents d ON d.id = p.document_id
               WHERE p.remittance_id = ANY(${remittanceIds}::uuid[]) ORDER BY p.created_at, d.due_date, d.issue_date, d.number`,
  );
  return rows.map((r) => ({ ...toPaymentRecord(r), invoiceNumber: r.number }));
}

export interface ReceiptFacts {
  payment: PaymentRecord & { paidSoFarPence: number };
  remittanceReference: string | null;
  invoice: InvoiceBalance & { recipientName: string; recipientAddress: string | null; customerCode: string; poNumber: string | null };
  commissionerName: string;
  lines: Array<{
    line: number;
    description: string;
    programmeName: string;
    termName: string;
    periodStart: string;
    periodEnd: string;
    quantity: number;
    amountPence: number;
    vatPence: number;
    /** The children whose places the line bills (as their records read now: an erased child reads "[erased]"). */
    children: string[];
    /** Sessions of the line's programme-term dated within its period, not cancelled. */
    sessions: Array<{ date: string; startTime: string; endTime: string }>;
  }>;
}

/** What a receipt prints about one payment; null when there is no such payment. */
export async function receiptFacts(sql: Queryable, paymentId: string): Promise<ReceiptFacts | null> {
  const payment = await one<PaymentRow & { paid_so_far: string; remittance_reference: string | null }>(
    sql,
    statement`SELECT ${PAYMENT_COLUMNS},
                     (SELECT sum(o.amount_pence) FROM payments o WHERE o.document_id = p.document_id AND o.id <= p.id) AS paid_so_far,
                     r.reference AS remittance_reference
                FROM payments p LEFT JOIN remittances r ON r.id = p.remittance_id
               WHERE p.id = ${paymentId}`,
  );
  if (!payment) return null;
  const invoice = (await one<
    BalanceRow & { recipient_name: string; recipient_address: string | null; customer_code: string; po_number: string | null; commissioner_name: string }
  >(
    sql,
    statement`SELECT x.*, d.recipient_name, d.recipient_address, d.customer_code, d.po_number, c.name AS commissioner_name
                FROM (${BALANCE_SELECT} WHERE d.id = ${payment.document_id}) x
                JOIN documents d ON d.id = x.id JOIN commissioners c ON c.id = d.commissioner_id`,
  ))!;
  const lines = await receiptLines(sql, payment.document_id);
  return {
    payment: { ...toPaymentRecord(payment), paidSoFarPence: Number(payment.paid_so_far) },
    remittanceReference: payment.remittance_reference,
    invoice: {
      ...toBalance(invoice),
      recipientName: invoice.recipient_name,
      recipientAddress: invoice.recipient_address,
      customerCode: invoice.customer_code,
      poNumber: invoice.po_number,
    },
    commissionerName: invoice.commissioner_name,
    lines,
  };
}

interface ReceiptLineRow {
  line: number;
  description: string;
  programme_name: string;
  term_name: string;
  period_start: string;
  period_end: string;
  quantity: number;
  amount_pence: string;
  vat_pence: string;
  children: string[] | null;
  sessions: Array<{ date: string; startTime: string; endTime: string }> | null;
}

const toReceiptLine = (l: ReceiptLineRow): ReceiptFacts['lines'][number] => ({
  line: l.line,
  description: l.description,
  programmeName: l.programme_name,
  termName: l.term_name,
  periodStart: l.period_start,
  periodEnd: l.period_end,
  quantity: l.quantity,
  amountPence: Number(l.amount_pence),
  vatPence: Number(l.vat_pence),
  children: [...(l.children ?? [])].sort(),
  sessions: l.sessions ?? [],
});

/** An invoice's lines as a receipt prints them: the children each bills and the sessions it covers. */
async function receiptLines(sql: Queryable, documentId: string): Promise<ReceiptFacts['lines']> {
  // Sessions: "not cancelled" is read through to_jsonb so this works before and after sessions gain a status.
  const lines = await rowsOf<ReceiptLineRow>(
    sql,
    statement`SELECT l.line, l.description, pr.name AS programme_name, t.name AS term_name, l.period_start, l.period_end, l.quantity,
            l.amount_pence, l.vat_pence,
            (SELECT array_agg(DISTINCT pa.first_name || ' ' || pa.last_name)
               FROM billing_ledger e JOIN registrations r ON r.id = e.registration_id JOIN participants pa ON pa.id = r.participant_id
              WHERE e.document_id = l.document_id AND e.line = l.line) AS children,
            (SELECT jsonb_agg(jsonb_build_object('date', s.date, 'startTime', to_char(s.start_time, 'HH24:MI'),
                                                 'endTime', to_char(s.end_time, 'HH24:MI')) ORDER BY s.date, s.start_time)
               FROM sessions s
              WHERE s.programme_id = l.programme_id AND s.term_id = l.term_id AND s.date BETWEEN l.period_start AND l.period_end
                AND coalesce(to_jsonb(s) ->> 'status', 'scheduled') <> 'cancelled') AS sessions
       FROM document_lines l JOIN programmes pr ON pr.id = l.programme_id JOIN terms t ON t.id = l.term_id
      WHERE l.document_id = ${documentId} ORDER BY l.line`,
  );
  return lines.map(toReceiptLine);
}

export interface AgedDebtRecord {
  commissionerId: string;
  name: string;
  code: string;
  payer: 'commissioner' | 'budget_holders';
  invoiceCount: number;
  days0To30Pence: number;
  days31To60Pence: number;
  days61To90Pence: number;
  over90DaysPence: number;
  outstandingPence: number;
}

/** The aged-debt report's rows: what is outstanding as at `asOf`, by commissioner and payer, aged from the issue date. */
export async function agedDebtRows(sql: Queryable, asOf: string): Promise<AgedDebtRecord[]> {
  const day = bind(asOf);
  const rows = await rowsOf<{
    commissioner_id: string;
    name: string;
    code: string;
    payer: 'commissioner' | 'budget_holders';
    invoice_count: number;
    b0: string;
    b31: string;
    b61: string;
    b91: string;
    outstanding: string;
  }>(
    sql,
    statement`WITH owed AS (
       SELECT d.commissioner_id, d.recipient_type, ${day}::date - d.issue_date AS age, b.outstanding_pence AS outstanding
         FROM invoice_balances(${day}::date) b JOIN documents d ON d.id = b.document_id)
     SELECT o.commissioner_id, c.name, c.code,
            CASE o.recipient_type WHEN 'commissioner' THEN 'commissioner' ELSE 'budget_holders' END AS payer,
            count(*)::int AS invoice_count,
            coalesce(sum(o.outstanding) FILTER (WHERE o.age <= 30), 0)::bigint AS b0,
            coalesce(sum(o.outstanding) FILTER (WHERE o.age BETWEEN 31 AND 60), 0)::bigint AS b31,
            coalesce(sum(o.outstanding) FILTER (WHERE o.age BETWEEN 61 AND 90), 0)::bigint AS b61,
            coalesce(sum(o.outstanding) FILTER (WHERE o.age > 90), 0)::bigint AS b91,
            sum(o.outstanding)::bigint AS outstanding
       FROM owed o JOIN commissioners c ON c.id = o.commissioner_id
      WHERE o.outstanding > 0
      GROUP BY o.commissioner_id, c.name, c.code, o.recipient_type
      ORDER BY c.name, o.commissioner_id, o.recipient_type = 'budget_holder'`,
  );
  return rows.map((r) => ({
    commissionerId: r.commissioner_id,
    name: r.name,
    code: r.code,
    payer: r.payer,
    invoiceCount: r.invoice_count,
    days0To30Pence: Number(r.b0),
    days31To60Pence: Number(r.b31),
    days61To90Pence: Number(r.b61),
    over90DaysPence: Number(r.b91),
    outstandingPence: Number(r.outstanding),
  }));
}

/**
 * The status of an invoice after each of the given payment states, in order, as the database function
 * document_status (migrations/1764495000000-DocumentStatus.ts), the rule's one definition, derives it.
 */
export async function invoiceStatusesAfter(
  sql: Queryable,
  invoice: { totalPence: number; creditedPence: number },
  paidSoFarPence: readonly number[],
): Promise<DocumentStatus[]> {
  if (paidSoFarPence.length === 0) return [];
  const rows = await rowsOf<{ status: DocumentStatus }>(
    sql,
    statement`SELECT document_status('invoice', ${invoice.totalPence}::bigint, p.paid, ${invoice.creditedPence}::bigint) AS status
                FROM unnest(${paidSoFarPence}::bigint[]) WITH ORDINALITY AS p(paid, n) ORDER BY p.n`,
  );
  return rows.map((r) => r.status);
}
