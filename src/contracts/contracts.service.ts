import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { withConstraints } from '../common/constraints.js';
import { addDays } from '../common/london-calendar.js';
import { type Page, paginate } from '../common/pagination.js';
import { conflict, notFound, ruleBrokenOn } from '../common/problem.js';
import { Programme } from '../programmes/programme.entity.js';
import { Contract, defaultVatTreatment, type VatTreatment } from './contract.entity.js';
import { lockCommissioner } from '../commissioners/commissioner.repository.js';
import { unknownProgrammes } from '../programmes/programme.repository.js';
import { ContractPeriodsRepository } from './contract-periods.repository.js';
import { overlappingContract } from './contract.repository.js';
import { ContractQuery, ContractResponse, CreateContractDto, CreateExtensionDto, UpdateContractDto } from './dto/contract.dto.js';
import { ProblemCode } from '../common/problem-codes.js';

interface ContractTerms {
  commissionerId: string;
  startsOn: string;
  endsOn: string;
  programmeIds: string[];
}

export const ContractRule = {
  InUse: ProblemCode.ContractInUse,
  VatTreatment: ProblemCode.VatTreatmentRate,
  Extension: ProblemCode.ContractExtension,
} as const;

/** Only a standard-rated contract may carry a VAT rate (422 naming vatTreatment). */
export function vatTreatmentProblem(treatment: VatTreatment, vatRateBasisPoints: number) {
  return treatment !== 'standard' && vatRateBasisPoints > 0
    ? ruleBrokenOn(ContractRule.VatTreatment, 'vatTreatment', `only a standard-rated contract may have a VAT rate; this one is ${treatment} with ${vatRateBasisPoints} basis points`)
    : undefined;
}

/**
 * Contracts and their periods (rule 11). A term takes the price and PO of the period in force on its
 * first day; a registration fixes them when it takes its place. Once a registration or a document uses
 * the contract, PATCH may not change its price or PO (an extension adds a period instead) nor move its
 * dates off a term in use.
 */
@Injectable()
export class ContractsService {
  constructor(
    @InjectRepository(Contract) private readonly contracts: Repository<Contract>,
    private readonly dataSource: DataSource,
  ) {}

  async create(dto: CreateContractDto): Promise<ContractResponse> {
    const rate = dto.vatRateBasisPoints ?? 0;
    const vatTreatment = dto.vatTreatment ?? defaultVatTreatment(rate);
    const problem = vatTreatmentProblem(vatTreatment, rate);
    if (problem) throw problem;
    const id = await this.dataSource.transaction(async (em) => {
      await this.checkRules(em, dto);
      const { programmeIds, ...fields } = dto;
      // the trigger contracts_first_period gives it its first period (dates, price, PO)
      const saved = await this.save(em, { ...fields, vatRateBasisPoints: rate, vatTreatment, lateJoiners: dto.lateJoiners ?? 'pro_rata' }, programmeIds);
      return saved.id;
    });
    return this.get(id);
  }

  async update(id: string, dto: UpdateContractDto): Promise<ContractResponse> {
    await this.dataSource.transaction(async (em) => {
      const contract = await this.find(id, em);
      const programmeIds = dto.programmeIds ?? contract.programmes.map((p) => p.id);
      const next = { ...contract, ...dto, programmeIds };
      await this.checkRules(em, next, id); // locks the commissioner: its contracts change one at a time
      const rate = next.vatRateBasisPoints;
      // a rate given without a treatment takes the default rule again (v1 clients only know the rate)
      const vatTreatment = dto.vatTreatment ?? (dto.vatRateBasisPoints !== undefined && rate > 0 ? 'standard' : contract.vatTreatment);
      const problem = vatTreatmentProblem(vatTreatment, rate);
      if (problem) throw problem;

      const repriced =
        (dto.pricePerTermPence !== undefined && dto.pricePerTermPence !== contract.pricePerTermPence) ||
        (dto.poNumber !== undefined && (dto.poNumber ?? null) !== contract.poNumber);
      const redated = next.startsOn !== contract.startsOn || next.endsOn !== contract.endsOn;
      if (repriced || redated) {
        const use = await ContractPeriodsRepository.useOf(em, id);
        if (repriced && use.inUse) {
          throw ruleBrokenOn(
            ContractRule.InUse,
            dto.pricePerTermPence !== undefined ? 'pricePerTermPence' : 'poNumber',
            'registrations or documents already use this contract: its price and purchase order are fixed; add a period with POST /contracts/:id/extensions',
          );
        }
        if (redated && use.inUse && (next.startsOn > use.earliestTermStart! || next.endsOn < use.latestTermEnd!)) {
          throw ruleBrokenOn(ContractRule.InUse, next.startsOn > use.earliestTermStart! ? 'startsOn' : 'endsOn',
            `registrations or documents use this contract for terms from ${use.earliestTermStart} to ${use.latestTermEnd}: its dates must still cover them`);
        }
        if (redated) await this.checkPeriodsFit(em, id, next.startsOn, next.endsOn);
      }
      const { programmeIds: _ignored, ...fields } = dto;
      await this.save(em, { ...contract, ...fields, vatTreatment }, programmeIds);
      if (redated) await ContractPeriodsRepository.followDates(em, id, next.startsOn, next.endsOn);
      if (repriced) await ContractPeriodsRepository.repriceLatest(em, id, next.pricePerTermPence, next.poNumber ?? null);
    });
    return this.get(id);
  }

  /**
   * POST /contracts/:id/extensions: the contract runs to endsOn; terms starting on or after effectiveFrom
   * (default: the day after the old end) take the new period's price and PO. A term already used by a
   * registration or a document never changes price: effectiveFrom must come after its first day.
   */
  async extend(id: string, dto: CreateExtensionDto): Promise<ContractResponse> {
    await this.dataSource.transaction(async (em) => {
      const contract = await this.find(id, em);
      await this.checkRules(em, { ...contract, endsOn: dto.endsOn, programmeIds: contract.programmes.map((p) => p.id) }, id);
      if (dto.endsOn < contract.endsOn) {
        throw ruleBrokenOn(ContractRule.Extension, 'endsOn', `an extension does not shorten the contract: it ends on ${contract.endsOn}`);
      }
      const effectiveFrom = dto.effectiveFrom ?? addDays(contract.endsOn, 1);
      if (effectiveFrom <= contract.startsOn || effectiveFrom > dto.endsOn) {
        throw ruleBrokenOn(
          ContractRule.Extension,
          dto.effectiveFrom !== undefined ? 'effectiveFrom' : 'endsOn',
          `the new period must start after the contract's start (${contract.startsOn}) and on or before its new end (${dto.endsOn}); it would start on ${effectiveFrom}`,
        );
      }
      const use = await ContractPeriodsRepository.useOf(em, id);
      if (use.inUse && effectiveFrom <= use.latestTermStart!) {
        throw ruleBrokenOn(
          ContractRule.InUse,
          'effectiveFrom',
          `a term starting on ${use.latestTermStart} already has registrations or documents on this contract: its price cannot change; the new period must start after that day`,
        );
      }
      await ContractPeriodsRepository.extend(em, id, { effectiveFrom, endsOn: dto.endsOn, pricePerTermPence: dto.pricePerTermPence, poNumber: dto.poNumber });
    });
    return this.get(id);
  }

  async list(query: ContractQuery): Promise<Page<ContractResponse>> {
    const qb = this.contracts.createQueryBuilder('contract').leftJoinAndSelect('contract.programmes', 'programme');
    if (query.commissionerId) qb.where('contract.commissionerId = :commissionerId', { commissionerId: query.commissionerId });
    const page = await paginate(qb, query, (c) => c);
    const periods = await ContractPeriodsRepository.periodsOf(this.dataSource.manager, page.items.map((c) => c.id));
    return { ...page, items: page.items.map((c) => ContractResponse.of(c, periods.get(c.id) ?? [])) };
  }

  async get(id: string): Promise<ContractResponse> {
    const contract = await this.find(id);
    const periods = await ContractPeriodsRepository.periodsOf(this.dataSource.manager, [id]);
    return ContractResponse.of(contract, periods.get(id) ?? []);
  }

  private async find(id: string, em: EntityManager = this.dataSource.manager): Promise<Contract> {
    const contract = await em.findOne(Contract, { where: { id }, relations: { programmes: true } });
    if (!contract) throw notFound('contract', id);
    return contract;
  }

  /** New dates keep every period non-empty: the first period must still start before it ends, the last end after it starts. */
  private async checkPeriodsFit(em: EntityManager, id: string, startsOn: string, endsOn: string): Promise<void> {
    const periods = (await ContractPeriodsRepository.periodsOf(em, [id])).get(id) ?? [];
    if (periods.length === 0) return;
    const first = periods[0];
    const last = periods[periods.length - 1];
    if (startsOn > first.endsOn) throw ruleBrokenOn(ProblemCode.ContractDates, 'startsOn', `must not be after the end of the contract's first period (${first.endsOn})`);
    if (endsOn < last.startsOn) throw ruleBrokenOn(ProblemCode.ContractDates, 'endsOn', `must not be before the start of the contract's last period (${last.startsOn})`);
  }

  private save(em: EntityManager, contract: Partial<Contract>, programmeIds: string[]): Promise<Contract> {
    return withConstraints(
      () => em.save(Contract, { ...contract, programmes: programmeIds.map((id) => ({ id }) as Programme) }),
      {
        contracts_reference_key: () =>
          conflict(ProblemCode.DuplicateContractReference, `The commissioner already has a contract ${contract.reference}`),
      },
    );
  }

  /**
   * A commissioner's contracts are changed one at a time (its row is locked), so two contracts of one
   * commissioner can never cover the same programme on overlapping dates: registrations need one price.
   */
  private async checkRules(em: EntityManager, c: ContractTerms, excludeId?: string): Promise<void> {
    if (!(await lockCommissioner(em, c.commissionerId))) throw ruleBrokenOn(ProblemCode.UnknownCommissioner, 'commissionerId', `no commissioner with id ${c.commissionerId}`);
    if (c.endsOn < c.startsOn) throw ruleBrokenOn(ProblemCode.ContractDates, 'endsOn', 'must not be before startsOn');
    const missing = await unknownProgrammes(em, c.programmeIds);
    if (missing.length) throw ruleBrokenOn(ProblemCode.UnknownProgramme, 'programmeIds', `no programme with id ${missing.join(', ')}`);
    const overlap = await overlappingContract(em, c, excludeId);
    if (overlap) {
      throw ruleBrokenOn(
        ProblemCode.ContractOverlap,
        'programmeIds',
        `contract ${overlap.reference} of this commissioner already covers one of these programmes on overlapping dates`,
      );
    }
  }
}
