import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { withConstraints } from '../common/constraints.js';
import { type Page, PageQuery, paginate } from '../common/pagination.js';
import { conflict, notFound } from '../common/problem.js';
import { Commissioner } from './commissioner.entity.js';
import { CommissionerResponse, CreateCommissionerDto, UpdateCommissionerDto } from './dto/commissioner.dto.js';
import { ProblemCode } from '../common/problem-codes.js';

const duplicateCode = (code?: string) => () => conflict(ProblemCode.DuplicateCommissionerCode, `A commissioner with code ${code} already exists`);

@Injectable()
export class CommissionersService {
  constructor(@InjectRepository(Commissioner) private readonly commissioners: Repository<Commissioner>) {}

  async create(dto: CreateCommissionerDto): Promise<CommissionerResponse> {
    const saved = await withConstraints(
      () => this.commissioners.save(this.commissioners.create({ paymentTermsDays: 30, ...dto })),
      { commissioners_code_key: duplicateCode(dto.code) },
    );
    return this.get(saved.id);
  }

  list(page: PageQuery): Promise<Page<CommissionerResponse>> {
    return paginate(this.commissioners.createQueryBuilder('commissioner'), page, CommissionerResponse.of);
  }

  async get(id: string): Promise<CommissionerResponse> {
    return CommissionerResponse.of(await this.find(id));
  }

  async update(id: string, dto: UpdateCommissionerDto): Promise<CommissionerResponse> {
    const commissioner = await this.find(id);
    await withConstraints(() => this.commissioners.save({ ...commissioner, ...dto }), {
      commissioners_code_key: duplicateCode(dto.code),
    });
    return this.get(id);
  }

  private async find(id: string): Promise<Commissioner> {
    const commissioner = await this.commissioners.findOneBy({ id });
    if (!commissioner) throw notFound('commissioner', id);
    return commissioner;
  }
}
