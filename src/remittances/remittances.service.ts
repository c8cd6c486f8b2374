import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { Queryable } from '../database/sql.js';
import { withConstraints } from '../common/constraints.js';
import { todayInLondon } from '../common/london-calendar.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, keysetPage, type Page } from '../common/pagination.js';
import { notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { inTransaction } from '../database/transaction.js';
import { PAYMENT_CONSTRAINT_PROBLEMS } from '../billing/payments/payments.service.js';
import { balancesOf, insertPayments, lockDocuments, outstandingInvoicesOf, paymentsOfRemittances } from '../billing/payments/payments.repository.js';
import { type Allocation, allocateOldestFirst, AllocationRule, checkAllocations } from './allocation.js';
import type { AllocateRemittanceDto, AllocationDto, CreateRemittanceDto, RemittancePage, RemittanceQuery, RemittanceResponse } from './dto/remittance.dto.js';
import { commissionerExists } from '../commissioners/commissioner.repository.js';
import { findRemittance, insertRemittance, listRemittances, lockRemittance, type Remittance } from './remittance.repository.js';
import { ProblemCode } from '../common/problem-codes.js';

export const RemittanceRule = {
  ...AllocationRule,
  UnknownCommissioner: ProblemCode.UnknownCommissioner,
  RemittanceInFuture: ProblemCode.RemittanceInFuture,
  NothingOnAccount: ProblemCode.NothingOnAccount,
} as const;

/**
 * Remittances from councils and their allocation to the council's invoices (DOMAIN rule 14). Lock
 * order: the remittance row (FOR UPDATE; a new one is invisible to others), then the invoices in id
 * order (FOR NO KEY UPDATE), then what is outstanding is read fresh and the allocations are inserted as
 * payments, whose trigger checks each again and adds it to the remittance's allocated_pence under its
 * CHECK. So racing remittances, allocations and payments of one invoice queue up on it and never pay
 * it beyond what is outstanding, and one remittance's money is never allocated twice.
 */
@Injectable()
export class RemittancesService {
  constructor(private readonly dataSource: DataSource) {}

  async create(dto: CreateRemittanceDto, principal: Principal): Promise<RemittanceResponse> {
    if (dto.receivedOn > todayInLondon()) throw ruleBrokenOn(RemittanceRule.RemittanceInFuture, 'receivedOn', 'must not be in the future');
    return inTransaction(this.dataSource, async (em) => {
      if (!(await commissionerExists(em, dto.commissionerId))) {
        throw ruleBrokenOn(RemittanceRule.UnknownCommissioner, 'commissionerId', `no commissioner with id ${dto.commissionerId}`);
      }
      const remittance = await insertRemittance(em, { ...dto, recordedBy: principal.id });
      await this.allocate(em, remittance, dto.allocations, { onAccountLater: false, recordedBy: principal.id });
      return this.respond(em, remittance.id);
    });
  }

  /** Places money still on account: explicitly, or oldest outstanding invoice first. */
  async allocateOnAccount(id: string, dto: AllocateRemittanceDto, principal: Principal): Promise<RemittanceResponse> {
    return inTransaction(this.dataSource, async (em) => {
      const remittance = await lockRemittance(em, id);
      if (!remittance) throw notFound('remittance', id);
      if (remittance.allocatedPence >= remittance.amountPence) {
        throw ruleBroken(RemittanceRule.NothingOnAccount, `Remittance ${remittance.reference} has nothing left on account: all ${remittance.amountPence} pence are allocated`);
      }
      await this.allocate(em, remittance, dto.allocations, { onAccountLater: true, recordedBy: principal.id });
      return this.respond(em, id);
    });
  }

  async get(id: string): Promise<RemittanceResponse> {
    return this.respond(this.dataSource, id);
  }

  async list(query: RemittanceQuery): Promise<RemittancePage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await listRemittances(this.dataSource, {
      afterId: query.cursor ? decodeCursor(query.cursor) : null,
      commissionerId: query.commissionerId ?? null,
      limit: limit + 1,
    });
    const allocations = await paymentsOfRemittances(this.dataSource, rows.slice(0, limit).map((r) => r.id));
    const page: Page<RemittanceResponse> = keysetPage(rows, limit, (r) => toResponse(r, allocations.filter((a) => a.remittanceId === r.id)));
    return page;
  }

  /**
   * Allocates from `remittance` (locked, or new in this transaction): the given allocations, or oldest
   * outstanding invoice first with everything not yet allocated.
   */
  private async allocate(
    em: EntityManager,
    remittance: Remittance,
    requested: AllocationDto[] | undefined,
    options: { onAccountLater: boolean; recordedBy: string },
  ): Promise<void> {
    const available = remittance.amountPence - remittance.allocatedPence;
    let plan: Allocation[];
    let issueDates: Map<string, string>;
    if (requested) {
      await lockDocuments(em, requested.map((a) => a.invoiceId));
      const invoices = await balancesOf(em, requested.map((a) => a.invoiceId));
      const problem = checkAllocations(requested, invoices, remittance.commissionerId, available);
      if (problem) throw ruleBrokenOn(problem.code, problem.field, problem.message);
      plan = requested.map((a) => ({ invoiceId: a.invoiceId, amountPence: a.amountPence }));
      issueDates = new Map([...invoices.values()].map((i) => [i.id, i.issueDate]));
    } else {
      // Outstanding amounts only ever fall, so the candidates read before locking include every invoice
      // still owing after it; the amounts are read again under the locks.
      const candidates = await outstandingInvoicesOf(em, remittance.commissionerId);
      await lockDocuments(em, candidates.map((c) => c.id));
      const fresh = await balancesOf(em, candidates.map((c) => c.id));
      plan = allocateOldestFirst(available, candidates.map((c) => ({ id: c.id, outstandingPence: fresh.get(c.id)!.outstandingPence }))).allocations;
      issueDates = new Map(candidates.map((c) => [c.id, c.issueDate]));
    }
    const today = todayInLondon();
    const dated = (invoiceId: string) => {
      if (options.onAccountLater) return today;
      const issued = issueDates.get(invoiceId)!;
      return issued > remittance.receivedOn ? issued : remittance.receivedOn;
    };
    await withConstraints(
      () =>
        insertPayments(
          em,
          [...plan]
            .sort((a, b) => (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0))
            .map((a) => ({
              invoiceId: a.invoiceId,
              amountPence: a.amountPence,
              receivedOn: dated(a.invoiceId),
              reference: remittance.reference,
              method: 'bacs' as const,
              remittanceId: remittance.id,
              recordedBy: options.recordedBy,
            })),
        ),
      {
        ...PAYMENT_CONSTRAINT_PROBLEMS,
        remittances_allocated_within_amount: () =>
          ruleBrokenOn(RemittanceRule.ExceedsRemittance, 'allocations', 'add up to more than the remittance has not yet allocated'),
      },
    );
  }

  private async respond(sql: Queryable, id: string): Promise<RemittanceResponse> {
    const remittance = await findRemittance(sql, id);
    if (!remittance) throw notFound('remittance', id);
    return toResponse(remittance, await paymentsOfRemittances(sql, [id]));
  }
}

function toResponse(r: Remittance, allocations: Awaited<ReturnType<typeof paymentsOfRemittances>>): RemittanceResponse {
  return {
    id: r.id,
    commissionerId: r.commissionerId,
    receivedOn: r.receivedOn,
    amountPence: r.amountPence,
    reference: r.reference,
    allocations: allocations.map((a) => ({
      paymentId: a.id,
      invoiceId: a.invoiceId,
      invoiceNumber: a.invoiceNumber,
      amountPence: a.amountPence,
      receivedOn: a.receivedOn,
    })),
    allocatedPence: r.allocatedPence,
    unallocatedPence: r.amountPence - r.allocatedPence,
    createdAt: r.createdAt.toISOString(),
  };
}
