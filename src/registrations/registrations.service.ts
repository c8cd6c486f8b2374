import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { type Page, paginate } from '../common/pagination.js';
import { withConstraints } from '../common/constraints.js';
import { conflict, notFound, ruleBroken } from '../common/problem.js';
import { ProblemCode } from '../common/problem-codes.js';
import { retryingAborts } from '../database/transaction.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { CreateRegistrationDto, RegistrationQuery, RegistrationResponse, WithdrawalResponse, WithdrawRegistrationDto } from './dto/registration.dto.js';
import { Registration } from './registration.entity.js';
import { registerParticipant, termOfRegistration, withdrawRegistration } from './registration.repository.js';
import { participantErased, registrationRefused } from './refusals.js';
import { withdrawalEffectiveOn } from './withdrawal.js';

@Injectable()
export class RegistrationsService {
  constructor(
    @InjectRepository(Registration) private readonly registrations: Repository<Registration>,
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * Registers a participant for a programme-term (rules 1-4), in one statement (registerParticipant):
   * the rules are checked first, then, with the programme-term's row locked, the registration takes a
   * place and commits the price against the budget, or joins the waitlist when every place is taken.
   * A refusal is worded here (registrationRefused). One active registration per participant, programme
   * and term is a unique index (409).
   */
  async register(dto: CreateRegistrationDto, principal: Principal): Promise<RegistrationResponse> {
    const request = { ...dto, registeredOn: dto.registeredOn ?? null };
    const outcome = await retryingAborts(() =>
      withConstraints(() => registerParticipant(this.dataSource.manager, request, principal.id), {
        registrations_one_active: () =>
          conflict(ProblemCode.AlreadyRegistered, 'The participant already has an active registration for this programme and term'),
        registrations_participant_not_erased: participantErased,
      }),
    );
    if (!outcome.placed) throw registrationRefused(outcome.refusal, request, outcome.facts);
    return RegistrationResponse.of(outcome.registration);
  }

  /**
   * Withdraws a registration; the place it frees goes to the waitlist at once, and the promoted
   * participant's guardians are told by email (waitlist_promoted, written by the withdrawal's own
   * statement, queued once it has committed).
   */
  async withdraw(id: string, dto: WithdrawRegistrationDto): Promise<WithdrawalResponse> {
    const db = this.dataSource.manager;
    const term = await termOfRegistration(db, id);
    if (!term) throw notFound('registration', id);
    const outcome = await withdrawRegistration(db, { id, reason: dto.reason, effectiveOn: withdrawalEffectiveOn(dto.effectiveOn, term) });
    if (outcome.outcome === 'not-found') throw notFound('registration', id);
    if (outcome.outcome === 'already-withdrawn') throw ruleBroken(ProblemCode.AlreadyWithdrawn, 'The registration is already withdrawn');
    await this.notifications.dispatch(outcome.notified);
    return { ...RegistrationResponse.of(outcome.registration), promoted: outcome.promoted };
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
}
