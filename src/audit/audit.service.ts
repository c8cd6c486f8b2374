import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { type Page, paginate } from '../common/pagination.js';
import type { Actor, SystemActor } from './actor.js';
import { AuditEvent } from './audit-event.entity.js';
import { type AuditEntry, recordAuditEvents } from './audit.repository.js';
import { AuditEventQuery, AuditEventResponse } from './dto/audit-event.dto.js';

export type { AuditEntry } from './audit.repository.js';

/**
 * Rule 9: reading or changing special category data leaves an audit event naming who, what and when.
 * Changes are recorded with the manager of the transaction that makes them, so the change and its
 * trace commit together; reads are recorded before the data is returned, so nothing is shown untraced.
 */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  record(em: EntityManager, actor: Actor | SystemActor, entries: AuditEntry[]): Promise<void> {
    return recordAuditEvents(em, actor, entries);
  }

  list(query: AuditEventQuery): Promise<Page<AuditEventResponse>> {
    const qb = this.events.createQueryBuilder('event');
    if (query.subjectType) qb.andWhere('event.subjectType = :subjectType', { subjectType: query.subjectType });
    if (query.subjectId) qb.andWhere('event.subjectId = :subjectId', { subjectId: query.subjectId });
    if (query.participantId) qb.andWhere('event.participantId = :participantId', { participantId: query.participantId });
    if (query.action) qb.andWhere('event.action = :action', { action: query.action });
    if (query.actorId) qb.andWhere('event.actorId = :actorId', { actorId: query.actorId });
    return paginate(qb, query, AuditEventResponse.of);
  }
}
