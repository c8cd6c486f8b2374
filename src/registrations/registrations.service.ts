import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { todayInLondon } from '../common/london-calendar.js';
import { type Page, paginate } from '../common/pagination.js';
import { notFound, ruleBrokenOn } from '../common/problem.js';
import { retryingAborts } from '../database/transaction.js';
import { CreateRegistrationDto, RegistrationQuery, RegistrationResponse, WithdrawalResponse, WithdrawRegistrationDto } from './dto/registration.dto.js';
import { Registration } from './registration.entity.js';
import { loadRegistrationFacts, placeRegistration, refusalOf, withdrawRegistration } from './registration-transactions.js';

@Injectable()
export class RegistrationsService {
  constructor(
    @InjectRepository(Registration) private readonly registrations: Repository<Registration>,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Registers a participant for a programme-term (rules 1-4). Eligibility is checked first; then, with
   * the programme-term's row locked, the registration takes a place and commits the price against the
   * budget, or joins the waitlist when every place is taken. One active registration per participant,
   * programme and term is a unique index (409).
   */
  async register(dto: CreateRegistrationDto, principal: Principal): Promise<RegistrationResponse> {
    const facts = await loadRegistrationFacts(this.dataSource, { ...dto, registeredOn: dto.registeredOn ?? null });
    const refusal = refusalOf(dto, facts);
    if (refusal) throw refusal;
    const registeredOn = this.registeredOn(dto.registeredOn, facts);
    const registration = await retryingAborts(() =>
      placeRegistration(this.dataSource, {
        ...dto,
        contractId: facts.contract_id!,
        registeredOn,
        createdBy: principal.id,
      }),
    );
    return RegistrationResponse.of(registration);
  }

  async withdraw(id: string, dto: WithdrawRegistrationDto): Promise<WithdrawalResponse> {
    const { registration, promoted } = await retryingAborts(() => withdrawRegistration(this.dataSource, { id, ...dto }));
    return { ...RegistrationResponse.of(registration), promoted };
  }

  async get(id: string): Promise<RegistrationResponse> {
    return RegistrationResponse.of(await this.find(id));
  }

  list(query: RegistrationQuery): Promise<Page<RegistrationResponse>> {
    const qb = this.registrations.createQueryBuilder('registration');
    if (query.programmeId) qb.andWhere('registration.programmeId = :programmeId', { programmeId: query.programmeId });
    if (query.termId) qb.andWhere('registration.termId = :termId', { termId: query.termId });
    if (query.participantId) qb.andWhere('registration.participantId = :participantId', { participantId: query.participantId });
    if (query.status) qb.andWhere('registration.status = :status', { status: query.status });
    return paginate(qb, query, RegistrationResponse.of);
  }

  private async find(id: string): Promise<Registration> {
    const registration = await this.registrations.findOneBy({ id });
    if (!registration) throw notFound('registration', id);
    return registration;
  }

  /** A correction may date the place earlier than today, but never in the future nor after the term. */
  private registeredOn(given: string | null | undefined, term: { ends_on: string }): string {
    const today = todayInLondon();
    if (given == null) {
      if (today > term.ends_on) {
        throw ruleBrokenOn('term-ended', 'termId', `the term ended on ${term.ends_on}; give registeredOn to record a past registration`);
      }
      return today;
    }
    if (given > today) throw ruleBrokenOn('registered-on-in-future', 'registeredOn', 'must not be in the future');
    if (given > term.ends_on) throw ruleBrokenOn('registered-on-after-term', 'registeredOn', 'must not be after the term ends');
    return given;
  }
}
