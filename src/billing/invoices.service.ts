import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { todayInLondon } from '../common/london-calendar.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, keysetPage, type Page } from '../common/pagination.js';
import { conflict, notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { AppConfig } from '../config/app-config.js';
import { inTransaction } from '../database/transaction.js';
import { creditInvoice } from './billing-transactions.js';
import { balanceOf, DOCUMENT_COLUMNS, type DocumentRow, documentStatus, type LineRow, toInvoiceResponse } from './document-responses.js';
import type {
  AgedDebtResponse,
  AgedDebtRow,
  CreatePaymentDto,
  InvoiceQuery,
  InvoiceResponse,
  PaymentResponse,
} from './dto/invoice.dto.js';
import { renderInvoicePdf } from './invoice-pdf.js';

export const BillingRule = {
  NotAnInvoice: 'not-an-invoice',
  AlreadyCredited: 'already-credited',
  Overpayment: 'overpayment',
  PaymentInFuture: 'payment-in-future',
} as const;

/** Invoices and credit notes: reading them, full credits, payments, the PDF and aged debt. */
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
        ORDER BY d.id LIMIT $6`,
      [
        query.cursor ? decodeCursor(query.cursor) : null,
        query.billingRunId ?? null,
        query.commissionerId ?? null,
        query.kind ?? null,
        query.budgetId ?? null,
        limit + 1,
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

  /** Records a payment; refuses more than the balance still owed (422). */
  async pay(id: string, dto: CreatePaymentDto, principal: Principal): Promise<PaymentResponse> {
    if (dto.receivedOn > todayInLondon()) throw ruleBrokenOn(BillingRule.PaymentInFuture, 'receivedOn', 'must not be in the future');
    return inTransaction(this.dataSource, async (em) => {
      // the document row is locked (not changed: documents are immutable) so concurrent payments queue up
      const [locked] = await em.query(`SELECT id FROM documents WHERE id = $1 FOR UPDATE`, [id]);
      if (!locked) throw notFound('invoice', id);
      const [doc]: DocumentRow[] = await em.query(`SELECT ${DOCUMENT_COLUMNS} FROM documents d WHERE d.id = $1`, [id]);
      if (doc.kind !== 'invoice') throw ruleBroken(BillingRule.NotAnInvoice, 'Payments are recorded against invoices, not credit notes');
      const balance = balanceOf(doc);
      if (dto.amountPence > balance) {
        throw ruleBrokenOn(BillingRule.Overpayment, 'amountPence', `is more than the ${balance} pence still owed on ${doc.number}`);
      }
      const [payment] = await em.query(
        `INSERT INTO payments (document_id, amount_pence, received_on, reference, recorded_by) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, created_at`,
        [id, dto.amountPence, dto.receivedOn, dto.reference, principal.id],
      );
      const after = { ...doc, paid_pence: Number(doc.paid_pence) + dto.amountPence };
      return {
        id: payment.id,
        invoiceId: id,
        amountPence: dto.amountPence,
        receivedOn: dto.receivedOn,
        reference: dto.reference,
        createdAt: payment.created_at.toISOString(),
        invoiceStatus: documentStatus(after),
        balancePence: balanceOf(after),
      };
    });
  }

  async payments(id: string): Promise<PaymentResponse[]> {
    const invoice = await this.get(id);
    const rows = await this.dataSource.query(
      `SELECT id, amount_pence, received_on, reference, created_at,
              sum(amount_pence) OVER (ORDER BY id) AS paid_so_far
         FROM payments WHERE document_id = $1 ORDER BY id`,
      [id],
    );
    return rows.map((p: { id: string; amount_pence: number; received_on: string; reference: string; created_at: Date; paid_so_far: number }) => {
      const after = { kind: invoice.kind, total_pence: invoice.totalPence, credited_pence: invoice.creditedPence, paid_pence: Number(p.paid_so_far) };
      return {
        id: p.id,
        invoiceId: id,
        amountPence: p.amount_pence,
        receivedOn: p.received_on,
        reference: p.reference,
        createdAt: p.created_at.toISOString(),
        invoiceStatus: documentStatus(after),
        balancePence: balanceOf(after),
      };
    });
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
   * an invoice's outstanding amount is its total less credit notes and payments dated up to asOf.
   * Direct-payment invoices are owed by budget holders: they are listed under their budget's commissioner
   * with payer "budget_holders".
   */
  async agedDebt(asOf = todayInLondon()): Promise<AgedDebtResponse> {
    const rows: Array<{
      commissioner_id: string;
      name: string;
      code: string;
      payer: 'commissioner' | 'budget_holders';
      invoice_count: number;
      b0: number;
      b31: number;
      b61: number;
      b91: number;
      outstanding: number;
    }> = await this.dataSource.query(
      `WITH owed AS (
         SELECT d.commissioner_id, d.recipient_type, $1::date - d.issue_date AS age,
                d.total_pence
                - coalesce((SELECT sum(p.amount_pence) FROM payments p WHERE p.document_id = d.id AND p.received_on <= $1), 0)
                - coalesce((SELECT sum(l.amount_pence + l.vat_pence) FROM billing_ledger l JOIN documents cn ON cn.id = l.document_id
                             WHERE l.reverses_document_id = d.id AND cn.issue_date <= $1), 0) AS outstanding
           FROM documents d
          WHERE d.kind = 'invoice' AND d.issue_date <= $1)
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
      [asOf],
    );
    const commissioners: AgedDebtRow[] = rows.map((r) => ({
      commissionerId: r.commissioner_id,
      commissionerName: r.name,
      commissionerCode: r.code,
      payer: r.payer,
      invoiceCount: r.invoice_count,
      days0To30Pence: Number(r.b0),
      days31To60Pence: Number(r.b31),
      days61To90Pence: Number(r.b61),
      over90DaysPence: Number(r.b91),
      outstandingPence: Number(r.outstanding),
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
