import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../../auth/principal.js';
import { withConstraints } from '../../common/constraints.js';
import { todayInLondon } from '../../common/london-calendar.js';
import { notFound, type ProblemError, ruleBroken, ruleBrokenOn } from '../../common/problem.js';
import { AppConfig } from '../../config/app-config.js';
import { inTransaction } from '../../database/transaction.js';
import type { CreatePaymentDto, DocumentStatus, PaymentResponse } from '../documents/dto/invoice.dto.js';
import { DEFAULT_PAYMENT_METHOD } from './payment-method.js';
import {
  balancesOf,
  type InvoiceBalance,
  insertPayments,
  invoiceStatusesAfter,
  lockDocuments,
  type PaymentRecord,
  paymentsOfInvoice,
  receiptFacts,
} from './payments.repository.js';
import { renderReceiptPdf } from '../pdf/receipt-pdf.js';
import { ProblemCode } from '../../common/problem-codes.js';

export const PaymentRule = {
  NotAnInvoice: ProblemCode.NotAnInvoice,
  Overpayment: ProblemCode.Overpayment,
  PaymentInFuture: ProblemCode.PaymentInFuture,
  PaymentBeforeIssue: ProblemCode.PaymentBeforeIssue,
} as const;

/**
 * The database's refusals of a payment row (trigger payments_record), worded. The services check the
 * same rules first under the same locks, so these answer only what a check here missed.
 */
export const PAYMENT_CONSTRAINT_PROBLEMS: Record<string, () => ProblemError> = {
  payments_of_invoices: () => ruleBroken(PaymentRule.NotAnInvoice, 'Payments are recorded against invoices, not credit notes'),
  payments_received_after_issue: () => ruleBrokenOn(PaymentRule.PaymentBeforeIssue, 'receivedOn', "must not be before the invoice's issue date"),
  payments_within_outstanding: () => ruleBrokenOn(PaymentRule.Overpayment, 'amountPence', 'is more than is outstanding on the invoice'),
};

/** The response of a payment, with the invoice's status and balance right after it. */
export function toPaymentResponse(
  payment: PaymentRecord,
  invoice: Pick<InvoiceBalance, 'totalPence' | 'creditedPence'>,
  paidSoFarPence: number,
  invoiceStatus: DocumentStatus,
): PaymentResponse {
  return {
    id: payment.id,
    invoiceId: payment.invoiceId,
    amountPence: payment.amountPence,
    receivedOn: payment.receivedOn,
    reference: payment.reference,
    method: payment.method,
    remittanceId: payment.remittanceId,
    receiptUrl: `/api/v1/payments/${payment.id}/receipt`,
    createdAt: payment.createdAt.toISOString(),
    invoiceStatus,
    balancePence: invoice.totalPence - invoice.creditedPence - paidSoFarPence,
  };
}

/** Payments of single invoices (POST /invoices/:id/payments) and receipts for any payment. */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Records a payment: not in the future, not before the invoice was issued, never more than is outstanding (422). */
  async pay(invoiceId: string, dto: CreatePaymentDto, principal: Principal): Promise<PaymentResponse> {
    if (dto.receivedOn > todayInLondon()) throw ruleBrokenOn(PaymentRule.PaymentInFuture, 'receivedOn', 'must not be in the future');
    return inTransaction(this.dataSource, async (em) => {
      // the invoice is locked (not changed: documents are immutable) so concurrent payments and allocations queue up
      if ((await lockDocuments(em, [invoiceId])).length === 0) throw notFound('invoice', invoiceId);
      const invoice = (await balancesOf(em, [invoiceId])).get(invoiceId)!;
      if (invoice.kind !== 'invoice') throw ruleBroken(PaymentRule.NotAnInvoice, 'Payments are recorded against invoices, not credit notes');
      if (dto.receivedOn < invoice.issueDate) {
        throw ruleBrokenOn(PaymentRule.PaymentBeforeIssue, 'receivedOn', `must not be before ${invoice.number} was issued (${invoice.issueDate})`);
      }
      if (dto.amountPence > invoice.outstandingPence) {
        throw ruleBrokenOn(PaymentRule.Overpayment, 'amountPence', `is more than the ${Math.max(invoice.outstandingPence, 0)} pence still owed on ${invoice.number}`);
      }
      const [payment] = await withConstraints(
        () =>
          insertPayments(em, [
            {
              invoiceId,
              amountPence: dto.amountPence,
              receivedOn: dto.receivedOn,
              reference: dto.reference,
              method: dto.method ?? DEFAULT_PAYMENT_METHOD,
              remittanceId: null,
              recordedBy: principal.id,
            },
          ]),
        PAYMENT_CONSTRAINT_PROBLEMS,
      );
      const paidSoFar = invoice.paidPence + payment.amountPence;
      const [status] = await invoiceStatusesAfter(em, invoice, [paidSoFar]);
      return toPaymentResponse(payment, invoice, paidSoFar, status);
    });
  }

  /** An invoice's payments, oldest first, each with the invoice's status and balance right after it. */
  async payments(invoiceId: string): Promise<PaymentResponse[]> {
    const invoice = (await balancesOf(this.dataSource, [invoiceId])).get(invoiceId);
    if (!invoice) throw notFound('invoice or credit note', invoiceId);
    const payments = await paymentsOfInvoice(this.dataSource, invoiceId);
    const statuses = await invoiceStatusesAfter(this.dataSource, invoice, payments.map((p) => p.paidSoFarPence));
    return payments.map((p, i) => toPaymentResponse(p, invoice, p.paidSoFarPence, statuses[i]));
  }

  /** The itemised PDF receipt of one payment. */
  async receipt(paymentId: string): Promise<{ filename: string; content: Buffer }> {
    const facts = await receiptFacts(this.dataSource, paymentId);
    if (!facts) throw notFound('payment', paymentId);
    const content = await renderReceiptPdf(facts, this.config.provider);
    return { filename: `receipt-${facts.invoice.number}-${paymentId.slice(-12)}.pdf`, content };
  }
}
