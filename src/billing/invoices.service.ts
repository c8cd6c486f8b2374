import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { todayInLondon } from '../common/london-calendar.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, keysetPage, type Page } from '../common/pagination.js';
import { conflict, notFound, ruleBroken } from '../common/problem.js';
import { AppConfig } from '../config/app-config.js';
import { inTransaction } from '../database/transaction.js';
import { creditInvoice } from './billing-transactions.js';
import { DOCUMENT_COLUMNS, type DocumentRow, type LineRow, toInvoiceResponse } from './document-responses.js';
import type { AgedDebtResponse, AgedDebtRow, InvoiceQuery, InvoiceResponse } from './dto/invoice.dto.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import { agedDebtRows } from './payments.repository.js';

export const BillingRule = {
  NotAnInvoice: 'not-an-invoice',
  AlreadyCredited: 'already-credited',
} as const;

/** documentStatus (document-responses.ts) in SQL, for `?status=`: a credit note has no balance and is issued. */
const DOCUMENT_STATUS = `coalesce((SELECT CASE WHEN b.credited_pence >= b.total_pence AND b.total_pence > 0 THEN 'credited'
                                           WHEN b.paid_pence > 0 AND b.paid_pence >= b.total_pence - b.credited_pence THEN 'paid'
                                           ELSE 'issued' END
                              FROM invoice_balances() b WHERE b.document_id = d.id), 'issued')`;

/** Invoices and credit notes: reading them, full credits, the PDF and aged debt (payments: PaymentsService). */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async list(query: InvoiceQuery): Promise<Page<InvoiceResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows: DocumentRow[] = await this.dataSource.query(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents d
        WHERE ($1::uuid IS NULL OR d.id > $1) AND ($2::uuid IS NULL OR d.billing_run_id = $2)
          AND ($3::uuid IS NULL OR d.commissioner_id = $3) AND ($4::text IS NULL OR d.kind = $4)
          AND ($5::uuid IS NULL OR d.budget_id = $5)
          AND ($7::text IS NULL OR d.number = $7) AND ($8::date IS NULL OR d.due_date < $8)
          AND ($9::text IS NULL OR ${DOCUMENT_STATUS} = $9)
        ORDER BY d.id LIMIT $6`,
      [
        query.cursor ? decodeCursor(query.cursor) : null,
        query.billingRunId ?? null,
        query.commissionerId ?? null,
        query.kind ?? null,
        query.budgetId ?? null,
        limit + 1,
        query.number ?? null,
        query.dueBefore ?? null,
        query.status ?? null,
      ],
    );
    const lines = await this.linesOf(rows.slice(0, limit).map((r) => r.id));
    return keysetPage(rows, limit, (row) => toInvoiceResponse(row, lines.get(row.id) ?? []));
  }

  async get(id: string): Promise<InvoiceResponse> {
    const [row]: DocumentRow[] = await this.dataSource.query(`SELECT ${DOCUMENT_COLUMNS} FROM documents d WHERE d.id = $1`, [id]);
    if (!row) throw notFound('invoice or credit note', id);
    return toInvoiceResponse(row, (await this.linesOf([id])).get(id) ?? []);
  }

  /** A full credit: a credit note mirroring the invoice for every participant it still bills. */
  async credit(id: string, reason: string, principal: Principal): Promise<InvoiceResponse> {
    const result = await inTransaction(this.dataSource, (em) => creditInvoice(em, id, reason, todayInLondon(), principal.id));
    switch (result.outcome) {
      case 'not-found':
        throw notFound('invoice', id);
      case 'not-an-invoice':
        throw ruleBroken(BillingRule.NotAnInvoice, 'Only an invoice can be credited; this document is a credit note');
      case 'nothing-to-credit':
        throw conflict(BillingRule.AlreadyCredited, 'Every participant on this invoice has already been credited');
      case 'issued':
        return this.get(result.document.id);
    }
  }

  async pdf(id: string): Promise<{ filename: string; content: Buffer }> {
    const document = await this.get(id);
    const [commissioner] = await this.dataSource.query(`SELECT name, code, address FROM commissioners WHERE id = $1`, [
      document.recipient.commissionerId,
    ]);
    const periods: Array<{ id: string; name: string }> = await this.dataSource.query(`SELECT id, name FROM terms WHERE id = ANY($1::uuid[])`, [
      document.lines.map((l) => l.termId),
    ]);
    const content = await renderInvoicePdf(document, {
      provider: this.config.provider,
      termNames: new Map(periods.map((t) => [t.id, t.name])),
      commissionerName: commissioner?.name ?? null,
    });
    return { filename: `${document.number}.pdf`, content };
  }

  /**
   * What is owed, by commissioner, in buckets by the age of each invoice counted from its issue date:
   * an invoice's outstanding amount (invoice_balances) as at asOf counts credit notes issued and payments
   * received up to asOf. Direct-payment invoices are owed by budget holders: they are listed under their
   * budget's commissioner with payer "budget_holders".
   */
  async agedDebt(asOf = todayInLondon()): Promise<AgedDebtResponse> {
    const commissioners: AgedDebtRow[] = (await agedDebtRows(this.dataSource, asOf)).map(({ name, code, ...row }) => ({
      ...row,
      commissionerName: name,
      commissionerCode: code,
    }));
    return { asOf, agedFrom: 'issueDate', commissioners, outstandingPence: commissioners.reduce((s, c) => s + c.outstandingPence, 0) };
  }

  private async linesOf(ids: string[]): Promise<Map<string, LineRow[]>> {
    const byDocument = new Map<string, LineRow[]>();
    if (ids.length === 0) return byDocument;
    const lines: LineRow[] = await this.dataSource.query(
      `SELECT * FROM document_lines WHERE document_id = ANY($1::uuid[]) ORDER BY document_id, line`,
      [ids],
    );
    for (const line of lines) byDocument.set(line.document_id, [...(byDocument.get(line.document_id) ?? []), line]);
    return byDocument;
  }
}
