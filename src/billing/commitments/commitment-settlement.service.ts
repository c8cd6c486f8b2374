import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { todayInLondon } from '../../common/london-calendar.js';
import { inTransaction } from '../../database/transaction.js';
import { CommitmentsRepository, type Settlement } from '../../registrations/commitments.repository.js';

/**
 * Rule 12's daily job: for the places of every term that has ended, what stays committed against the
 * budget becomes what the place has been or will be billed (money that can never be billed is released,
 * e.g. a direct payment whose sessions were never held). Idempotent and safe to run twice at once.
 */
@Injectable()
export class CommitmentSettlementService {
  private readonly logger = new Logger('Commitments');

  constructor(private readonly dataSource: DataSource) {}

  async settle(today = todayInLondon()): Promise<Settlement> {
    const settlement = await inTransaction(this.dataSource, (em) => CommitmentsRepository.settleEndedTerms(em, today));
    if (settlement.registrations) this.logger.log({ ...settlement, today }, 'Commitments of ended terms settled');
    return settlement;
  }
}
