import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { withConstraints } from '../common/constraints.js';
import { type Page, paginate } from '../common/pagination.js';
import { conflict, notFound, ruleBrokenOn } from '../common/problem.js';
import { Programme } from '../programmes/programme.entity.js';
import { assertFits, assertWithinCapacityLimit } from '../registrations/capacity.js';
import { lockProgrammeTerm, refreshPlaces } from '../registrations/programme-term.repository.js';
import { promoteFromWaitlist } from '../registrations/registration.repository.js';
import { CreateSessionDto, SessionQuery, SessionResponse, UpdateSessionDto } from './dto/session.dto.js';
import { Session } from './session.entity.js';
import { inTransaction } from '../database/transaction.js';
import { ProblemCode } from '../common/problem-codes.js';
import { termContaining } from './session.repository.js';

@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * The term is the one containing the date (422 when none). The session books every participant
   * already registered for the programme-term, so a capacity that would not fit them is refused (422).
   * The programme row is locked FOR KEY SHARE before the programme-term (the lock order of
   * migrations/1764320000000-RegistrationLockOrder.ts), so the default capacity is the programme's
   * current one and a concurrent capacity change waits for this session, or this session for it.
   */
  async create(programmeId: string, dto: CreateSessionDto): Promise<SessionResponse> {
    const id = await this.dataSource.transaction(async (em) => {
      const programme = await em.findOne(Programme, { where: { id: programmeId }, lock: { mode: 'for_key_share' } });
      if (!programme) throw notFound('programme', programmeId);
      const capacity = dto.capacity ?? programme.capacity;
      assertWithinCapacityLimit(capacity, this.config.sessionCapacityLimit);
      this.checkTimes(dto.startTime, dto.endTime);
      const termId = await this.termContaining(em, dto.date);
      if (dto.replacesSessionId) await this.checkReplaces(em, programmeId, dto.replacesSessionId);
      const count = await lockProgrammeTerm(em, programmeId, termId);
      assertFits(count, capacity);
      const saved = await withConstraints(
        () =>
          em.save(
            em.create(Session, {
              programmeId,
              termId,
              date: dto.date,
              startTime: dto.startTime,
              endTime: dto.endTime,
              venue: dto.venue ?? programme.venue,
              capacity,
              booked: count.registered,
              offSite: dto.offSite ?? false,
              replacesSessionId: dto.replacesSessionId ?? null,
            }),
          ),
        {
          sessions_programme_date_start_key: () =>
            conflict(ProblemCode.DuplicateSession, `The programme already has a session on ${dto.date} at ${dto.startTime}`),
          sessions_one_make_up: () => conflict(ProblemCode.MakeUpExists, `The session ${dto.replacesSessionId} already has a make-up session`),
          // the term was shortened meanwhile (its trigger holds the rule): the date is in no term now
          sessions_within_term: () => ruleBrokenOn(ProblemCode.NoTermForDate, 'date', `no term contains ${dto.date}`),
        },
      );
      await refreshPlaces(em, programmeId, termId);
      return saved.id;
    });
    return this.get(id);
  }

  /** A capacity change locks the programme and the programme-term first (lockProgrammeTerm), like a registration. */
  async update(id: string, dto: UpdateSessionDto): Promise<SessionResponse> {
    await inTransaction(this.dataSource, async (em) => {
      const session = await this.find(id, em);
      if (dto.capacity !== undefined && dto.capacity !== session.capacity) {
        assertWithinCapacityLimit(dto.capacity, this.config.sessionCapacityLimit);
        assertFits(await lockProgrammeTerm(em, session.programmeId, session.termId), dto.capacity);
      }
      const next = { ...session, ...dto };
      this.checkTimes(next.startTime, next.endTime);
      await withConstraints(
        () => em.update(Session, { id }, { startTime: next.startTime, endTime: next.endTime, venue: next.venue, capacity: next.capacity, offSite: next.offSite }),
        {
          sessions_programme_date_start_key: () =>
            conflict(ProblemCode.DuplicateSession, `The programme already has a session on ${session.date} at ${next.startTime}`),
        },
      );
      if (dto.capacity !== undefined && dto.capacity !== session.capacity) {
        await refreshPlaces(em, session.programmeId, session.termId);
        await promoteFromWaitlist(em, session.programmeId, session.termId); // a larger capacity may free places
      }
    });
    return this.get(id);
  }

  async get(id: string): Promise<SessionResponse> {
    return SessionResponse.of(await this.find(id));
  }

  async listForProgramme(programmeId: string, query: SessionQuery): Promise<Page<SessionResponse>> {
    if (!(await this.dataSource.getRepository(Programme).existsBy({ id: programmeId }))) throw notFound('programme', programmeId);
    const qb = this.sessions.createQueryBuilder('session').where('session.programmeId = :programmeId', { programmeId });
    if (query.termId) qb.andWhere('session.termId = :termId', { termId: query.termId });
    return paginate(qb, query, SessionResponse.of);
  }

  async find(id: string, em: EntityManager = this.dataSource.manager): Promise<Session> {
    const session = await em.findOneBy(Session, { id });
    if (!session) throw notFound('session', id);
    return session;
  }

  private async termContaining(em: EntityManager, date: string): Promise<string> {
    const termId = await termContaining(em, date);
    if (!termId) throw ruleBrokenOn(ProblemCode.NoTermForDate, 'date', `no term contains ${date}`);
    return termId;
  }

  /** A make-up session replaces a cancelled session of the same programme (locked, so it cannot change meanwhile). */
  private async checkReplaces(em: EntityManager, programmeId: string, replacedId: string): Promise<void> {
    const replaced = await em.findOne(Session, { where: { id: replacedId }, lock: { mode: 'pessimistic_read' } });
    if (!replaced || replaced.programmeId !== programmeId) {
      throw ruleBrokenOn(ProblemCode.UnknownReplacedSession, 'replacesSessionId', `no session ${replacedId} of this programme`);
    }
    if (replaced.status !== 'cancelled') throw ruleBrokenOn(ProblemCode.ReplacedSessionNotCancelled, 'replacesSessionId', 'only a cancelled session is made up');
  }

  private checkTimes(startTime: string, endTime: string): void {
    if (endTime.slice(0, 5) <= startTime.slice(0, 5)) throw ruleBrokenOn(ProblemCode.SessionTimes, 'endTime', 'must be after startTime');
  }
}
