import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../../auth/principal.js';
import { todayInLondon } from '../../common/london-calendar.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, keysetPage, type Page } from '../../common/pagination.js';
import { conflict, notFound, ruleBroken } from '../../common/problem.js';
import { ProblemCode } from '../../common/problem-codes.js';
import { AppConfig } from '../../config/app-config.js';
import { inTransaction } from '../../database/transaction.js';
import { creditInvoice } from '../runs/billing-transactions.js';
import { toInvoiceResponse } from './document-responses.js';
import { findDocument, linesOfDocuments, listDocuments, termNames } from './billing-documents.repository.js';
import { commissionerNames } from '../../commissioners/commissioner.repository.js';
import type { AgedDebtResponse, AgedDebtRow, InvoiceQuery, InvoiceResponse } from './dto/invoice.dto.js';
import { renderInvoicePdf } from '../pdf/invoice-pdf.js';
import { agedDebtRows } from '../payments/payments.repository.js';

export const BillingRule = {
  NotAnInvoice: ProblemCode.NotAnInvoice,
  AlreadyCredited: ProblemCode.AlreadyCredited,
} as const;

/** Invoices and credit notes: reading them, full credits, the PDF and aged debt (payments: PaymentsService). */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async list(query: InvoiceQuery): Promise<Page<InvoiceResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const db = this.dataSource.manager;
    const rows = await listDocuments(db, {
      after: query.cursor ? decodeCursor(query.cursor) : null,
      billingRunId: query.billingRunId ?? null,
      commissionerId: query.commissionerId ?? null,
      kind: query.kind ?? null,
      budgetId: query.budgetId ?? null,
      number: query.number ?? null,
      dueBefore: query.dueBefore ?? null,
      status: query.status ?? null,
      limit: limit + 1,
    });
    const lines = await linesOfDocuments(db, rows.slice(0, limit).map((r) => r.id));
    return keysetPage(rows, limit, (row) => toInvoiceResponse(row, lines.get(row.id) ?? []));
  }

  async get(id: string): Promise<InvoiceResponse> {
    const row = await findDocument(this.dataSource.manager, id);
    if (!row) throw notFound('invoice or credit note', id);
    return toInvoiceResponse(row, (await linesOfDocuments(this.dataSource.manager, [id])).get(id) ?? []);
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
    const db = this.dataSource.manager;
    const commissioner = await commissionerNames(db, [document.recipient.commissionerId]);
    const content = await renderInvoicePdf(document, {
      provider: this.config.provider,
      termNames: await termNames(db, document.lines.map((l) => l.termId)),
      commissionerName: commissioner.get(document.recipient.commissionerId) ?? null,
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
}
