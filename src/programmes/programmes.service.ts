import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { type Page, paginate } from '../common/pagination.js';
import { notFound, ruleBrokenOn } from '../common/problem.js';
import { assertWithinCapacityLimit, changeProgrammeCapacity } from '../registrations/capacity.js';
import { promoteFromWaitlist } from '../registrations/registration.repository.js';
import { CreateProgrammeDto, ProgrammeQuery, ProgrammeResponse, UpdateProgrammeDto } from './dto/programme.dto.js';
import { Programme } from './programme.entity.js';
import { filterProgrammes } from './programme.repository.js';
import { inTransaction } from '../database/transaction.js';
import { ProblemCode } from '../common/problem-codes.js';

/** The realistic maximum for a session (the seed: twelve young people). */
export const DEFAULT_CAPACITY = 12;

@Injectable()
export class ProgrammesService {
  constructor(
    @InjectRepository(Programme) private readonly programmes: Repository<Programme>,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async create(dto: CreateProgrammeDto): Promise<ProgrammeResponse> {
    const values = { capacity: Math.min(DEFAULT_CAPACITY, this.config.sessionCapacityLimit), ...dto };
    this.checkRules(values);
    const saved = await this.programmes.save(this.programmes.create(values));
    return this.get(saved.id);
  }

  list(query: ProgrammeQuery): Promise<Page<ProgrammeResponse>> {
    return paginate(filterProgrammes(this.programmes.createQueryBuilder('programme'), query), query, ProgrammeResponse.of);
  }

  async get(id: string): Promise<ProgrammeResponse> {
    const programme = await this.programmes.findOneBy({ id });
    if (!programme) throw notFound('programme', id);
    return ProgrammeResponse.of(programme);
  }

  /**
   * A capacity change is refused (422) when a term already has more registered participants than the new
   * places. It locks the programme row FOR UPDATE first: every registration, withdrawal and session change
   * holds that row FOR KEY SHARE (lock_programme_term), so the change runs alone on the programme and a
   * first registration on a new term reads the new capacity (the lock order of
   * migrations/1764320000000-RegistrationLockOrder.ts). Other changes lock it FOR NO KEY UPDATE, which
   * registrations do not wait for.
   */
  async update(id: string, dto: UpdateProgrammeDto): Promise<ProgrammeResponse> {
    await inTransaction(this.dataSource, async (em) => {
      const mode = dto.capacity !== undefined ? 'pessimistic_write' : 'for_no_key_update';
      const programme = await em.findOne(Programme, { where: { id }, lock: { mode } });
      if (!programme) throw notFound('programme', id);
      const next = { ...programme, ...dto };
      this.checkRules(next);
      await em.save(Programme, next);
      if (dto.capacity !== undefined && dto.capacity !== programme.capacity) {
        const terms = await changeProgrammeCapacity(em, id, dto.capacity);
        if (dto.capacity > programme.capacity) for (const termId of terms) await promoteFromWaitlist(em, id, termId);
      }
    });
    return this.get(id);
  }

  private checkRules(p: { minAge: number; maxAge: number; capacity: number }): void {
    assertWithinCapacityLimit(p.capacity, this.config.sessionCapacityLimit);
    if (p.minAge > p.maxAge) throw ruleBrokenOn(ProblemCode.AgeRange, 'maxAge', 'must not be below minAge');
  }
}
