import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { withConstraints } from '../common/constraints.js';
import { isWithin, todayInLondon } from '../common/london-calendar.js';
import { type Page, paginate } from '../common/pagination.js';
import { conflict, notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { inTransaction } from '../database/transaction.js';
import { commitPrice, releasePrice, remainingPence } from './budget-commitment.js';
import { lockProgrammeTerm, releasePlace, takePlace } from './capacity.js';
import { CreateRegistrationDto, RegistrationQuery, RegistrationResponse, WithdrawRegistrationDto } from './dto/registration.dto.js';
import { eligibilityProblem, insufficientBudget } from './eligibility.js';
import { Registration } from './registration.entity.js';
import { promoteFromWaitlist } from './waitlist.js';

interface RegistrationFacts {
  participant_id: string | null;
  date_of_birth: string;
  erased: boolean;
  programme_id: string | null;
  min_age: number;
  max_age: number;
  term_id: string | null;
  starts_on: string;
  ends_on: string;
  census_date: string;
  budget_id: string | null;
  budget_participant_id: string;
  valid_from: string;
  valid_to: string;
  amount_pence: number;
  committed_pence: number;
  contract_id: string | null;
  price_per_term_pence: number;
}

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
    const facts = await this.facts(dto);
    const problem = eligibilityProblem({
      participant: { id: facts.participant_id!, dateOfBirth: facts.date_of_birth, erased: facts.erased },
      programme: { minAge: facts.min_age, maxAge: facts.max_age },
      term: { startsOn: facts.starts_on, endsOn: facts.ends_on },
      budget: {
        participantId: facts.budget_participant_id,
        validFrom: facts.valid_from,
        validTo: facts.valid_to,
        amountPence: facts.amount_pence,
        committedPence: facts.committed_pence,
      },
      contract: facts.contract_id ? { pricePerTermPence: facts.price_per_term_pence } : undefined,
    });
    if (problem) throw problem;
    const registeredOn = this.registeredOn(dto.registeredOn, facts);
    const price = facts.price_per_term_pence;

    const id = await inTransaction(this.dataSource, async (em) => {
      const count = await lockProgrammeTerm(em, dto.programmeId, dto.termId);
      const hasPlace = count.registered < count.places;
      if (hasPlace) {
        if (!(await commitPrice(em, dto.budgetId, price))) throw insufficientBudget(await remainingPence(em, dto.budgetId), price);
        await takePlace(em, dto.programmeId, dto.termId);
      } else {
        const remaining = await remainingPence(em, dto.budgetId);
        if (remaining < price) throw insufficientBudget(remaining, price);
      }
      const [row] = await withConstraints(
        () =>
          em.query(
            `INSERT INTO registrations
               (participant_id, programme_id, term_id, budget_id, contract_id, status, price_pence, registered_on, committed_pence, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             RETURNING id`,
            [
              dto.participantId,
              dto.programmeId,
              dto.termId,
              dto.budgetId,
              facts.contract_id,
              hasPlace ? 'registered' : 'waitlisted',
              price,
              hasPlace ? registeredOn : null,
              hasPlace ? price : 0,
              principal.id,
            ],
          ),
        {
          registrations_one_active: () =>
            conflict('already-registered', 'The participant already has an active registration for this programme and term'),
        },
      );
      return row.id as string;
    });
    return this.get(id);
  }

  /**
   * Withdraws a registration. A registered one frees its place, which goes in the same transaction to
   * the earliest eligible waitlisted registration; its money is released when the withdrawal takes
   * effect on or before the census date (after it, the term stays billable).
   */
  async withdraw(id: string, dto: WithdrawRegistrationDto): Promise<RegistrationResponse> {
    const existing = await this.find(id);
    await inTransaction(this.dataSource, async (em) => {
      await lockProgrammeTerm(em, existing.programmeId, existing.termId);
      const [r] = await em.query(
        `SELECT r.status, r.budget_id, r.committed_pence, t.starts_on, t.ends_on, t.census_date
           FROM registrations r JOIN terms t ON t.id = r.term_id
          WHERE r.id = $1 FOR UPDATE OF r`,
        [id],
      );
      if (r.status === 'withdrawn') throw ruleBroken('already-withdrawn', 'The registration is already withdrawn');
      const effectiveOn = this.effectiveOn(dto.effectiveOn, r);
      const release = r.committed_pence > 0 && effectiveOn <= r.census_date;
      await em.query(
        `UPDATE registrations
            SET status = 'withdrawn', withdrawn_at = now(), withdrawal_effective_on = $2, withdrawal_reason = $3,
                committed_pence = CASE WHEN $4 THEN 0 ELSE committed_pence END, updated_at = now()
          WHERE id = $1`,
        [id, effectiveOn, dto.reason, release],
      );
      if (release) await releasePrice(em, r.budget_id, r.committed_pence);
      if (r.status === 'registered') {
        await releasePlace(em, existing.programmeId, existing.termId);
        await promoteFromWaitlist(em, existing.programmeId, existing.termId);
      }
    });
    return this.get(id);
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

  private async find(id: string, em: EntityManager = this.dataSource.manager): Promise<Registration> {
    const registration = await em.findOneBy(Registration, { id });
    if (!registration) throw notFound('registration', id);
    return registration;
  }

  /** Everything eligibility depends on, in one query; unknown references are refused naming the field. */
  private async facts(dto: CreateRegistrationDto): Promise<RegistrationFacts> {
    const [facts]: RegistrationFacts[] = await this.dataSource.query(
      `SELECT p.id AS participant_id, p.date_of_birth, p.erased_at IS NOT NULL AS erased,
              pr.id AS programme_id, pr.min_age, pr.max_age,
              t.id AS term_id, t.starts_on, t.ends_on, t.census_date,
              b.id AS budget_id, b.participant_id AS budget_participant_id, b.valid_from, b.valid_to,
              b.amount_pence, b.committed_pence,
              c.id AS contract_id, c.price_per_term_pence
         FROM (SELECT 1) AS one
         LEFT JOIN participants p ON p.id = $1
         LEFT JOIN programmes pr ON pr.id = $2
         LEFT JOIN terms t ON t.id = $3
         LEFT JOIN personal_budgets b ON b.id = $4
         LEFT JOIN LATERAL (
              SELECT c.id, c.price_per_term_pence
                FROM contracts c JOIN contract_programmes cp ON cp.contract_id = c.id AND cp.programme_id = pr.id
               WHERE c.commissioner_id = b.commissioner_id AND c.starts_on <= t.starts_on AND c.ends_on >= t.ends_on
               ORDER BY c.starts_on DESC LIMIT 1) c ON true`,
      [dto.participantId, dto.programmeId, dto.termId, dto.budgetId],
    );
    if (!facts.participant_id) throw ruleBrokenOn('unknown-participant', 'participantId', `no participant with id ${dto.participantId}`);
    if (!facts.programme_id) throw ruleBrokenOn('unknown-programme', 'programmeId', `no programme with id ${dto.programmeId}`);
    if (!facts.term_id) throw ruleBrokenOn('unknown-term', 'termId', `no term with id ${dto.termId}`);
    if (!facts.budget_id) throw ruleBrokenOn('unknown-budget', 'budgetId', `no budget with id ${dto.budgetId}`);
    return facts;
  }

  /** A correction may date the place earlier than today, but never in the future nor after the term. */
  private registeredOn(given: string | undefined, term: { ends_on: string }): string {
    const today = todayInLondon();
    if (given === undefined) return today;
    if (given > today) throw ruleBrokenOn('registered-on-in-future', 'registeredOn', 'must not be in the future');
    if (given > term.ends_on) throw ruleBrokenOn('registered-on-after-term', 'registeredOn', 'must not be after the term ends');
    return given;
  }

  /** Given dates must lie within the term; the default (today) is moved into the term. */
  private effectiveOn(given: string | undefined, term: { starts_on: string; ends_on: string }): string {
    if (given !== undefined) {
      if (!isWithin(given, term.starts_on, term.ends_on)) {
        throw ruleBrokenOn(
          'withdrawal-outside-term',
          'effectiveOn',
          `must fall within the term (${term.starts_on} to ${term.ends_on})`,
        );
      }
      return given;
    }
    const today = todayInLondon();
    return today < term.starts_on ? term.starts_on : today > term.ends_on ? term.ends_on : today;
  }
}
