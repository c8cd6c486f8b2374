import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { withConstraints } from '../common/constraints.js';
import { type Page, PageQuery, paginate } from '../common/pagination.js';
import { notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { CreateTermDto, TermResponse } from './dto/term.dto.js';
import { Term } from './term.entity.js';

@Injectable()
export class TermsService {
  constructor(@InjectRepository(Term) private readonly terms: Repository<Term>) {}

  /** Terms may not overlap: the exclusion constraint terms_no_overlap decides, even for concurrent requests. */
  async create(dto: CreateTermDto): Promise<TermResponse> {
    if (dto.endsOn < dto.startsOn) throw ruleBrokenOn('term-dates', 'endsOn', 'must not be before startsOn');
    if (dto.censusDate < dto.startsOn || dto.censusDate > dto.endsOn) {
      throw ruleBrokenOn('census-outside-term', 'censusDate', 'must fall within the term');
    }
    const saved = await withConstraints(() => this.terms.save(this.terms.create(dto)), {
      terms_no_overlap: () => ruleBroken('term-overlap', `The term ${dto.startsOn}..${dto.endsOn} overlaps an existing term`),
    });
    return TermResponse.of(await this.find(saved.id));
  }

  list(page: PageQuery): Promise<Page<TermResponse>> {
    return paginate(this.terms.createQueryBuilder('term'), page, TermResponse.of);
  }

  async get(id: string): Promise<TermResponse> {
    return TermResponse.of(await this.find(id));
  }

  async find(id: string): Promise<Term> {
    const term = await this.terms.findOneBy({ id });
    if (!term) throw notFound('term', id);
    return term;
  }
}
