import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { type AuditAction } from '../audit/audit-event.entity.js';
import { type AuditEntry, AuditService } from '../audit/audit.service.js';
import { todayInLondon } from '../common/london-calendar.js';
import { type Page, PageQuery, paginate } from '../common/pagination.js';
import { invalidField, notFound, ruleBroken } from '../common/problem.js';
import { CreateParticipantDto, ParticipantResponse, UpdateParticipantDto } from './dto/participant.dto.js';
import { mayReadMedicalNotes } from './medical-notes.js';
import { Participant } from './participant.entity.js';

/** Rule 9: showing or changing medical notes leaves an audit event about the participant. */
const medicalNotesEvent = (action: AuditAction, participantId: string): AuditEntry => ({
  action,
  subjectType: 'participant',
  subjectId: participantId,
  participantId,
  detail: 'medical-notes',
});

@Injectable()
export class ParticipantsService {
  constructor(
    @InjectRepository(Participant) private readonly participants: Repository<Participant>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateParticipantDto, actor: Actor): Promise<ParticipantResponse> {
    this.checkDateOfBirth(dto.dateOfBirth);
    return this.dataSource.transaction(async (em) => {
      const saved = await em.save(em.create(Participant, { emergencyContacts: [], photoConsent: false, ...dto }));
      if (dto.medicalNotes != null) await this.audit.record(em, actor, [medicalNotesEvent('create', saved.id)]);
      return ParticipantResponse.of(await this.find(saved.id, em), mayReadMedicalNotes(actor.principal));
    });
  }

  async list(page: PageQuery, actor: Actor): Promise<Page<ParticipantResponse>> {
    const withMedical = mayReadMedicalNotes(actor.principal);
    const result = await paginate(this.participants.createQueryBuilder('participant'), page, (p) => ParticipantResponse.of(p, withMedical));
    const shown = result.items.filter((p) => p.medicalNotes != null);
    await this.audit.record(this.dataSource.manager, actor, shown.map((p) => medicalNotesEvent('read', p.id)));
    return result;
  }

  async get(id: string, actor: Actor): Promise<ParticipantResponse> {
    const response = ParticipantResponse.of(await this.find(id), mayReadMedicalNotes(actor.principal));
    if (response.medicalNotes != null) await this.audit.record(this.dataSource.manager, actor, [medicalNotesEvent('read', id)]);
    return response;
  }

  async update(id: string, dto: UpdateParticipantDto, actor: Actor): Promise<ParticipantResponse> {
    if (dto.dateOfBirth !== undefined) this.checkDateOfBirth(dto.dateOfBirth);
    return this.dataSource.transaction(async (em) => {
      // Locked like erasure locks it: an update never writes back personal data an erasure has just removed.
      const participant = await em.findOne(Participant, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!participant) throw notFound('participant', id);
      if (participant.erasedAt) throw ruleBroken('participant-erased', 'The participant has been erased: the record cannot be changed');
      await em.save(Participant, { ...participant, ...dto });
      const response = ParticipantResponse.of(await this.find(id, em), mayReadMedicalNotes(actor.principal));
      if (dto.medicalNotes !== undefined) await this.audit.record(em, actor, [medicalNotesEvent('amend', id)]);
      else if (response.medicalNotes != null) await this.audit.record(em, actor, [medicalNotesEvent('read', id)]);
      return response;
    });
  }

  async find(id: string, em: EntityManager = this.dataSource.manager): Promise<Participant> {
    const participant = await em.findOneBy(Participant, { id });
    if (!participant) throw notFound('participant', id);
    return participant;
  }

  private checkDateOfBirth(dateOfBirth: string): void {
    if (dateOfBirth > todayInLondon()) throw invalidField('dateOfBirth', 'must not be in the future');
  }
}
