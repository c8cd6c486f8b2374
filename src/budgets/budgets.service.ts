import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { withConstraints } from '../common/constraints.js';
import { type Page, PageQuery, paginate } from '../common/pagination.js';
import { conflict, notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { commissionerExists } from '../commissioners/commissioner.repository.js';
import { keyShareLockParticipant, participantExists } from '../participants/participant.repository.js';
import { BudgetResponse, CreateBudgetDto } from './dto/budget.dto.js';
import { PersonalBudget } from './personal-budget.entity.js';
import { ProblemCode } from '../common/problem-codes.js';

@Injectable()
export class BudgetsService {
  constructor(
    @InjectRepository(PersonalBudget) private readonly budgets: Repository<PersonalBudget>,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Adds a budget to a participant. The participant row is key-share locked while the budget is
   * written, so an erasure (which locks it for update) cannot slip in between: no personal data (a
   * direct-payment holder) is written for an erased participant.
   */
  async create(participantId: string, dto: CreateBudgetDto): Promise<BudgetResponse> {
    if (dto.validTo < dto.validFrom) throw ruleBrokenOn(ProblemCode.BudgetDates, 'validTo', 'must not be before validFrom');
    if (dto.holderAddress && dto.type !== 'direct_payment') {
      throw ruleBrokenOn(ProblemCode.HolderAddressNotDirectPayment, 'holderAddress', 'only a direct payment has a holder to address');
    }
    const id = await this.dataSource.transaction(async (em) => {
      const participant = await keyShareLockParticipant(em, participantId);
      if (!participant) throw notFound('participant', participantId);
      if (participant.erased) throw ruleBroken(ProblemCode.ParticipantErased, 'The participant record has been erased');
      if (!(await commissionerExists(em, dto.commissionerId))) throw ruleBrokenOn(ProblemCode.UnknownCommissioner, 'commissionerId', `no commissioner with id ${dto.commissionerId}`);
      const saved = await withConstraints(
        () =>
          em.save(
            em.create(PersonalBudget, {
              ...dto,
              participantId,
              committedPence: 0,
              holderName: dto.holderName ?? null,
              holderEmail: dto.holderEmail ?? null,
              holderAddress: dto.holderAddress ? { lines: [...dto.holderAddress.lines], postcode: dto.holderAddress.postcode } : null,
            }),
          ),
        {
          personal_budgets_reference_key: () =>
            conflict(ProblemCode.DuplicateBudgetReference, `The commissioner already has a budget with reference ${dto.reference}`),
        },
      );
      return saved.id;
    });
    return this.get(id);
  }

  async listForParticipant(participantId: string, page: PageQuery): Promise<Page<BudgetResponse>> {
    await this.requireParticipant(participantId);
    return paginate(
      this.budgets.createQueryBuilder('budget').where('budget.participantId = :participantId', { participantId }),
      page,
      BudgetResponse.of,
    );
  }

  async get(id: string): Promise<BudgetResponse> {
    const budget = await this.budgets.findOneBy({ id });
    if (!budget) throw notFound('budget', id);
    return BudgetResponse.of(budget);
  }

  private async requireParticipant(id: string): Promise<void> {
    if (!(await participantExists(this.dataSource.manager, id))) throw notFound('participant', id);
  }
}
