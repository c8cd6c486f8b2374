import { one, rows as rowsOf } from '../database/database.repository.js';
import { bind, type Param, type Queryable, sql as statement } from '../database/sql.js';
import type { PaymentMethod } from '../billing/payments/payment-method.js';
import type { StatementEntryType } from './statement.js';

/*
 * SQL of statements of account. An account is a commissioner (the invoices and credit notes addressed
 * to the council, its remittances and any payment recorded on its invoices outside a remittance) or a
 * direct-payment budget (the documents addressed to its holder and their payments). Every query names
 * the account by two bound parameters, the commissioner id and the budget id, one of them NULL.
 * Remittance allocations are not entries: the remittance already counted the money when it arrived.
 */

export type Account = { commissionerId: string } | { budgetId: string };

/** The account's two ids, each bound once however often a statement names it. */
interface AccountIds {
  commissioner: Param;
  budget: Param;
}

const idsOf = (account: Account): AccountIds =>
  'commissionerId' in account
    ? { commissioner: bind(account.commissionerId), budget: bind(null) }
    : { commissioner: bind(null), budget: bind(account.budgetId) };

/** The documents of the account (alias d). */
const documentsOf = (ids: AccountIds) =>
  statement`((d.recipient_type = 'commissioner' AND d.commissioner_id = ${ids.commissioner}::uuid)
  OR (d.recipient_type = 'budget_holder' AND d.budget_id = ${ids.budget}::uuid))`;

export interface CommissionerAccount {
  id: string;
  name: string;
  code: string;
  address: string | null;
}

export interface BudgetAccount {
  id: string;
  type: 'managed' | 'direct_payment';
  reference: string;
  commissionerId: string;
  commissionerName: string;
  holderName: string | null;
  /** The address on the holder's latest document, if any. */
  holderAddress: string | null;
}

export async function findCommissionerAccount(sql: Queryable, id: string): Promise<CommissionerAccount | null> {
  const row = await one<{ id: string; name: string; code: string; address: string | null }>(
    sql,
    statement`SELECT id, name, code, address FROM commissioners WHERE id = ${id}`,
  );
  return row ? { id: row.id, name: row.name, code: row.code, address: row.address } : null;
}

export async function findBudgetAccount(sql: Queryable, id: string): Promise<BudgetAccount | null> {
  const row = await one<{
    id: string;
    type: BudgetAccount['type'];
    reference: string;
    commissioner_id: string;
    commissioner_name: string;
    holder_name: string | null;
    holder_address: string | null;
  }>(
    sql,
    statement`SELECT b.id, b.type, b.reference, b.commissioner_id, c.name AS commissioner_name, b.holder_name,
                     (SELECT d.recipient_address FROM documents d WHERE d.budget_id = b.id AND d.recipient_type = 'budget_holder'
                       ORDER BY d.issue_date DESC, d.id DESC LIMIT 1) AS holder_address
                FROM personal_budgets b JOIN commissioners c ON c.id = b.commissioner_id
               WHERE b.id = ${id}`,
  );
  return row
    ? {
        id: row.id,
        type: row.type,
        reference: row.reference,
        commissionerId: row.commissioner_id,
        commissionerName: row.commissioner_name,
        holderName: row.holder_name,
        holderAddress: row.holder_address,
      }
    : null;
}

/** The first day anything happened on the account (a document issued, a remittance received), if anything did. */
export async function firstActivityOn(sql: Queryable, account: Account): Promise<string | null> {
  const ids = idsOf(account);
  const row = await one<{ first: string | null }>(
    sql,
    statement`SELECT least((SELECT min(d.issue_date) FROM documents d WHERE ${documentsOf(ids)}),
                           (SELECT min(r.received_on) FROM remittances r WHERE r.commissioner_id = ${ids.commissioner}::uuid)) AS first`,
  );
  return row!.first;
}

/**
 * What the payer owed at the end of `asOf`: invoices less credit notes issued by then, less remittances
 * and other payments received by then (money on account included: it is the payer's).
 */
export async function balanceAsAt(sql: Queryable, account: Account, asOf: string): Promise<number> {
  const ids = idsOf(account);
  const day = bind(asOf);
  const row = await one<{ balance: string }>(
    sql,
    statement`SELECT coalesce((SELECT sum(CASE d.kind WHEN 'invoice' THEN d.total_pence ELSE -d.total_pence END)
                                 FROM documents d WHERE ${documentsOf(ids)} AND d.issue_date <= ${day}), 0)
                   - coalesce((SELECT sum(p.amount_pence) FROM payments p JOIN documents d ON d.id = p.document_id
                                WHERE ${documentsOf(ids)} AND p.remittance_id IS NULL AND p.received_on <= ${day}), 0)
                   - coalesce((SELECT sum(r.amount_pence) FROM remittances r
                                WHERE r.commissioner_id = ${ids.commissioner}::uuid AND r.received_on <= ${day}), 0)
                     AS balance`,
  );
  return Number(row!.balance);
}

export interface StatementEntryRecord {
  date: string;
  type: StatementEntryType;
  documentId: string | null;
  number: string | null;
  dueDate: string | null;
  /** A credit note's: the invoices it credits. A payment's: the invoice it pays. */
  relatedNumbers: string[];
  remittanceId: string | null;
  paymentId: string | null;
  reference: string | null;
  method: PaymentMethod | null;
  debitPence: number;
  creditPence: number;
  /** A remittance's allocations made by `to`. */
  allocations: Array<{ paymentId: string; invoiceId: string; invoiceNumber: string; amountPence: number; receivedOn: string }>;
}

interface StatementEntryRow {
  date: string;
  type: StatementEntryType;
  document_id: string | null;
  number: string | null;
  due_date: string | null;
  related: string[] | null;
  remittance_id: string | null;
  payment_id: string | null;
  reference: string | null;
  method: PaymentMethod | null;
  debit: string;
  credit: string;
  allocations: StatementEntryRecord['allocations'] | null;
}

const toStatementEntry = (r: StatementEntryRow): StatementEntryRecord => ({
  date: r.date,
  type: r.type,
  documentId: r.document_id,
  number: r.number,
  dueDate: r.due_date,
  relatedNumbers: r.related ?? [],
  remittanceId: r.remittance_id,
  paymentId: r.payment_id,
  reference: r.reference,
  method: r.method,
  debitPence: Number(r.debit),
  creditPence: Number(r.credit),
  allocations: (r.allocations ?? []).map((a) => ({ ...a, amountPence: Number(a.amountPence) })),
});

/** The account's documents, remittances and payments dated from `from` to `to`, in date order (documents first on a day). */
export async function statementEntries(sql: Queryable, account: Account, from: string, to: string): Promise<StatementEntryRecord[]> {
  const ids = idsOf(account);
  const first = bind(from);
  const last = bind(to);
  const rows = await rowsOf<StatementEntryRow>(
    sql,
    statement`SELECT * FROM (
       SELECT d.issue_date AS date, d.kind AS type, d.id AS document_id, d.number, d.due_date,
              CASE WHEN d.kind = 'credit_note' THEN
                (SELECT array_agg(DISTINCT inv.number ORDER BY inv.number) FROM billing_ledger l JOIN documents inv ON inv.id = l.reverses_document_id
                  WHERE l.document_id = d.id) END AS related,
              NULL::uuid AS remittance_id, NULL::uuid AS payment_id, d.reason AS reference, NULL AS method,
              CASE WHEN d.kind = 'invoice' THEN d.total_pence ELSE 0 END AS debit,
              CASE WHEN d.kind = 'credit_note' THEN d.total_pence ELSE 0 END AS credit,
              NULL::jsonb AS allocations, CASE d.kind WHEN 'invoice' THEN 0 ELSE 1 END AS rank, d.number AS sort_key
         FROM documents d
        WHERE ${documentsOf(ids)} AND d.issue_date BETWEEN ${first} AND ${last}
       UNION ALL
       SELECT r.received_on, 'remittance', NULL, NULL, NULL, NULL, r.id, NULL, r.reference, NULL, 0, r.amount_pence,
              (SELECT coalesce(jsonb_agg(jsonb_build_object('paymentId', p.id, 'invoiceId', p.document_id, 'invoiceNumber', inv.number,
                                                            'amountPence', p.amount_pence, 'receivedOn', p.received_on)
                                         ORDER BY p.created_at, inv.due_date, inv.issue_date, inv.number), '[]'::jsonb)
                 FROM payments p JOIN documents inv ON inv.id = p.document_id
                WHERE p.remittance_id = r.id AND p.received_on <= ${last}),
              2, r.id::text
         FROM remittances r
        WHERE r.commissioner_id = ${ids.commissioner}::uuid AND r.received_on BETWEEN ${first} AND ${last}
       UNION ALL
       SELECT p.received_on, 'payment', NULL, NULL, NULL, ARRAY[d.number], NULL, p.id, p.reference, p.method, 0, p.amount_pence,
              NULL, 3, p.id::text
         FROM payments p JOIN documents d ON d.id = p.document_id
        WHERE ${documentsOf(ids)} AND p.remittance_id IS NULL AND p.received_on BETWEEN ${first} AND ${last}
     ) entries
     ORDER BY date, rank, sort_key`,
  );
  return rows.map(toStatementEntry);
}

/** Remittance money received by `asOf` and not allocated by then. */
export async function onAccountAsAt(sql: Queryable, account: Account, asOf: string): Promise<number> {
  const ids = idsOf(account);
  const day = bind(asOf);
  const row = await one<{ on_account: string }>(
    sql,
    statement`SELECT coalesce(sum(r.amount_pence - (SELECT coalesce(sum(p.amount_pence), 0) FROM payments p
                                                     WHERE p.remittance_id = r.id AND p.received_on <= ${day})), 0) AS on_account
                FROM remittances r
               WHERE r.commissioner_id = ${ids.commissioner}::uuid AND r.received_on <= ${day} AND ${ids.budget}::uuid IS NULL`,
  );
  return Number(row!.on_account);
}

export interface OpenInvoice {
  documentId: string;
  number: string;
  issueDate: string;
  dueDate: string;
  totalPence: number;
  outstandingPence: number;
}

/** The account's invoices issued by `asOf` with anything (owed or overpaid) outstanding as at `asOf`, oldest due first. */
export async function openInvoicesAsAt(sql: Queryable, account: Account, asOf: string): Promise<OpenInvoice[]> {
  const rows = await rowsOf<{ id: string; number: string; issue_date: string; due_date: string; total_pence: number; outstanding_pence: number }>(
    sql,
    statement`SELECT d.id, d.number, d.issue_date, d.due_date, b.total_pence, b.outstanding_pence
                FROM invoice_balances(${asOf}::date) b JOIN documents d ON d.id = b.document_id
               WHERE ${documentsOf(idsOf(account))} AND b.outstanding_pence <> 0
               ORDER BY d.due_date, d.issue_date, d.number`,
  );
  return rows.map((r) => ({
    documentId: r.id,
    number: r.number,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    totalPence: Number(r.total_pence),
    outstandingPence: Number(r.outstanding_pence),
  }));
}
