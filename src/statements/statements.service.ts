import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { formatSterling } from '../common/money.js';
import { addDays, todayInLondon } from '../common/london-calendar.js';
import { invalidField, notFound, ruleBroken } from '../common/problem.js';
import { AppConfig } from '../config/app-config.js';
import { PAYMENT_METHOD_LABELS } from '../billing/payments/payment-method.js';
import type { StatementEntryResponse, StatementQuery, StatementResponse } from './dto/statement.dto.js';
import { ageDebt, daysPastDue, withRunningBalance } from './statement.js';
import { renderStatementPdf } from './statement-pdf.js';
import {
  type Account,
  balanceAsAt,
  findBudgetAccount,
  findCommissionerAccount,
  firstActivityOn,
  onAccountAsAt,
  openInvoicesAsAt,
  type StatementEntryRecord,
  statementEntries,
} from './statement.repository.js';
import { ProblemCode } from '../common/problem-codes.js';

export const StatementRule = {
  NotADirectPaymentBudget: ProblemCode.NotADirectPaymentBudget,
} as const;

/** Statements of account for councils and for direct-payment budget holders, as JSON or PDF. */
@Injectable()
export class StatementsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async forCommissioner(id: string, query: StatementQuery): Promise<StatementResponse> {
    const commissioner = await findCommissionerAccount(this.dataSource, id);
    if (!commissioner) throw notFound('commissioner', id);
    return this.build(
      { commissionerId: id },
      { commissionerId: id, account: { type: 'commissioner', name: commissioner.name, code: commissioner.code, address: commissioner.address } },
      query,
    );
  }

  async forBudget(id: string, query: StatementQuery): Promise<StatementResponse> {
    const budget = await findBudgetAccount(this.dataSource, id);
    if (!budget) throw notFound('budget', id);
    if (budget.type !== 'direct_payment') {
      throw ruleBroken(
        StatementRule.NotADirectPaymentBudget,
        `Budget ${budget.reference} is a managed budget: its places are invoiced to the council, whose statement is GET /commissioners/${budget.commissionerId}/statement`,
      );
    }
    return this.build(
      { budgetId: id },
      {
        commissionerId: budget.commissionerId,
        budgetId: id,
        account: { type: 'budget_holder', name: budget.holderName ?? budget.reference, reference: budget.reference, address: budget.holderAddress },
      },
      query,
    );
  }

  async pdf(statement: StatementResponse): Promise<{ filename: string; content: Buffer }> {
    const content = await renderStatementPdf(statement, this.config.provider);
    const who = statement.account.code ?? statement.account.reference ?? 'account';
    return { filename: `statement-${who}-${statement.from}-${statement.to}.pdf`.replace(/[^A-Za-z0-9._-]/g, '_'), content };
  }

  private async build(
    account: Account,
    header: Pick<StatementResponse, 'commissionerId' | 'budgetId' | 'account'>,
    query: StatementQuery,
  ): Promise<StatementResponse> {
    const to = query.to ?? todayInLondon();
    const first = query.from ? null : await firstActivityOn(this.dataSource, account);
    const from = query.from ?? (first && first < to ? first : to);
    if (from > to) throw invalidField('from', `must not be after to (${to})`);
    // one snapshot: a payment recorded meanwhile is in every figure or in none
    const { opening, records, onAccount, open } = await this.dataSource.transaction('REPEATABLE READ', async (sql) => ({
      opening: await balanceAsAt(sql, account, addDays(from, -1)),
      records: await statementEntries(sql, account, from, to),
      onAccount: await onAccountAsAt(sql, account, to),
      open: await openInvoicesAsAt(sql, account, to),
    }));
    const { entries, closingBalancePence } = withRunningBalance(opening, records.map(toEntry));
    return {
      ...header,
      from,
      to,
      openingBalancePence: opening,
      entries,
      totalDebitPence: entries.reduce((s, e) => s + e.debitPence, 0),
      totalCreditPence: entries.reduce((s, e) => s + e.creditPence, 0),
      closingBalancePence,
      onAccountPence: onAccount,
      overpaidPence: open.filter((i) => i.outstandingPence < 0).reduce((s, i) => s - i.outstandingPence, 0),
      ageing: ageDebt(open, to),
      openInvoices: open.map((i) => ({ ...i, daysPastDue: daysPastDue(i.dueDate, to) })),
    };
  }
}

function describeEntry(r: StatementEntryRecord): string {
  switch (r.type) {
    case 'invoice':
      return `Invoice ${r.number}, due ${r.dueDate}`;
    case 'credit_note':
      return `Credit note ${r.number}${r.relatedNumbers.length ? ` against ${r.relatedNumbers.join(', ')}` : ''}${r.reference ? `: ${r.reference}` : ''}`;
    case 'remittance': {
      const allocated = r.allocations.reduce((s, a) => s + a.amountPence, 0);
      const parts = r.allocations.map((a) => `${a.invoiceNumber} ${formatSterling(a.amountPence)}`);
      if (r.creditPence > allocated) parts.push(`on account ${formatSterling(r.creditPence - allocated)}`);
      return `Remittance ${r.reference}${parts.length ? ` (${parts.join('; ')})` : ''}`;
    }
    case 'payment':
      return `Payment by ${PAYMENT_METHOD_LABELS[r.method!].toLowerCase()} towards ${r.relatedNumbers.join(', ')}${r.reference ? ` (${r.reference})` : ''}`;
  }
}

function toEntry(r: StatementEntryRecord): Omit<StatementEntryResponse, 'balancePence'> {
  return {
    date: r.date,
    type: r.type,
    description: describeEntry(r),
    ...(r.documentId ? { documentId: r.documentId } : {}),
    ...(r.number ? { number: r.number } : {}),
    ...(r.dueDate ? { dueDate: r.dueDate } : {}),
    ...(r.remittanceId ? { remittanceId: r.remittanceId } : {}),
    ...(r.paymentId ? { paymentId: r.paymentId } : {}),
    ...(r.reference ? { reference: r.reference } : {}),
    ...(r.method ? { method: r.method } : {}),
    ...(r.type === 'credit_note' || r.type === 'payment' ? { invoiceNumbers: r.relatedNumbers } : {}),
    ...(r.type === 'remittance' ? { allocations: r.allocations } : {}),
    debitPence: r.debitPence,
    creditPence: r.creditPence,
  };
}
