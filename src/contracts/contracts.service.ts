import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { withConstraints } from '../common/constraints.js';
import { type Page, paginate } from '../common/pagination.js';
import { conflict, notFound, ruleBrokenOn } from '../common/problem.js';
import { Programme } from '../programmes/programme.entity.js';
import { Contract } from './contract.entity.js';
import { ContractQuery, ContractResponse, CreateContractDto, UpdateContractDto } from './dto/contract.dto.js';

interface ContractTerms {
  commissionerId: string;
  startsOn: string;
  endsOn: string;
  programmeIds: string[];
}

@Injectable()
export class ContractsService {
  constructor(
    @InjectRepository(Contract) private readonly contracts: Repository<Contract>,
    private readonly dataSource: DataSource,
  ) {}

  async create(dto: CreateContractDto): Promise<ContractResponse> {
    const id = await this.dataSource.transaction(async (em) => {
      await this.checkRules(em, dto);
      const { programmeIds, ...fields } = dto;
      const saved = await this.save(em, { ...fields, vatRateBasisPoints: dto.vatRateBasisPoints ?? 0 }, programmeIds);
      return saved.id;
    });
    return this.get(id);
  }

  async update(id: string, dto: UpdateContractDto): Promise<ContractResponse> {
    await this.dataSource.transaction(async (em) => {
      const contract = await this.find(id, em);
      const programmeIds = dto.programmeIds ?? contract.programmes.map((p) => p.id);
      await this.checkRules(em, { ...contract, ...dto, programmeIds }, id);
      const { programmeIds: _ignored, ...fields } = dto;
      await this.save(em, { ...contract, ...fields }, programmeIds);
    });
    return this.get(id);
  }

  list(query: ContractQuery): Promise<Page<ContractResponse>> {
    const qb = this.contracts.createQueryBuilder('contract').leftJoinAndSelect('contract.programmes', 'programme');
    if (query.commissionerId) qb.where('contract.commissionerId = :commissionerId', { commissionerId: query.commissionerId });
    return paginate(qb, query, ContractResponse.of);
  }

  async get(id: string): Promise<ContractResponse> {
    return ContractResponse.of(await this.find(id));
  }

  private async find(id: string, em: EntityManager = this.dataSource.manager): Promise<Contract> {
    const contract = await em.findOne(Contract, { where: { id }, relations: { programmes: true } });
    if (!contract) throw notFound('contract', id);
    return contract;
  }

  private save(em: EntityManager, contract: Partial<Contract>, programmeIds: string[]): Promise<Contract> {
    return withConstraints(
      () => em.save(Contract, { ...contract, programmes: programmeIds.map((id) => ({ id }) as Programme) }),
      {
        contracts_reference_key: () =>
          conflict('duplicate-contract-reference', `The commissioner already has a contract ${contract.reference}`),
      },
    );
  }

  /**
   * A commissioner's contracts are changed one at a time (its row is locked), so two contracts of one
   * commissioner can never cover the same programme on overlapping dates: registrations need one price.
   */
  private async checkRules(em: EntityManager, c: ContractTerms, excludeId?: string): Promise<void> {
    const [commissioner] = await em.query('SELECT id FROM commissioners WHERE id = $1 FOR UPDATE', [c.commissionerId]);
    if (!commissioner) throw ruleBrokenOn('unknown-commissioner', 'commissionerId', `no commissioner with id ${c.commissionerId}`);
    if (c.endsOn < c.startsOn) throw ruleBrokenOn('contract-dates', 'endsOn', 'must not be before startsOn');
    const found: Array<{ id: string }> = await em.query('SELECT id FROM programmes WHERE id = ANY($1::uuid[])', [c.programmeIds]);
    const missing = c.programmeIds.filter((id) => !found.some((p) => p.id === id));
    if (missing.length) throw ruleBrokenOn('unknown-programme', 'programmeIds', `no programme with id ${missing.join(', ')}`);
    const [overlap] = await em.query(
      `SELECT c.reference FROM contracts c JOIN contract_programmes cp ON cp.contract_id = c.id
        WHERE c.commissioner_id = $1 AND c.id IS DISTINCT FROM $2::uuid AND cp.programme_id = ANY($3::uuid[])
          AND daterange(c.starts_on, c.ends_on, '[]') && daterange($4::date, $5::date, '[]')
        LIMIT 1`,
      [c.commissionerId, excludeId ?? null, c.programmeIds, c.startsOn, c.endsOn],
    );
    if (overlap) {
      throw ruleBrokenOn(
        'contract-overlap',
        'programmeIds',
        `contract ${overlap.reference} of this commissioner already covers one of these programmes on overlapping dates`,
      );
    }
  }
}
