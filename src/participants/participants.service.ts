import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { type AuditAction } from '../audit/audit-event.entity.js';
import { type AuditEntry, AuditService } from '../audit/audit.service.js';
import { todayInLondon } from '../common/london-calendar.js';
import { type Page, paginate } from '../common/pagination.js';
import { invalidField, notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { ConsentRepository } from '../consents/consent.repository.js';
import { type CouncilId, ParticipantCouncilIdsRepository } from './participant-council-ids.repository.js';
import { filterParticipants, readParticipantAudited } from './participant.repository.js';
import { CreateParticipantDto, ParticipantQuery, ParticipantResponse, UpdateParticipantDto } from './dto/participant.dto.js';
import { mayReadMedicalNotes } from './medical-notes.js';
import { EQUALITY_FIELDS, hasEqualityData } from './equality-monitoring.js';
import { Participant } from './participant.entity.js';
import { ProblemCode } from '../common/problem-codes.js';

/** Rule 9: showing or changing medical notes leaves an audit event about the participant. */
const medicalNotesEvent = (action: AuditAction, participantId: string): AuditEntry => ({
  action,
  subjectType: 'participant',
  subjectId: participantId,
  participantId,
  detail: 'medical-notes',
});

/** Equality monitoring is special category data too: shown or changed, it leaves its own audit event. */
const equalityEvent = (action: AuditAction, participantId: string): AuditEntry => ({ ...medicalNotesEvent(action, participantId), detail: 'equality-monitoring' });
const equalityShown = (r: ParticipantResponse) => hasEqualityData(r);
const equalityChanged = (dto: object) => EQUALITY_FIELDS.some((k) => (dto as Record<string, unknown>)[k] !== undefined);

@Injectable()
export class ParticipantsService {
  constructor(
    @InjectRepository(Participant) private readonly participants: Repository<Participant>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly consents: ConsentRepository,
  ) {}

  async create(dto: CreateParticipantDto, actor: Actor): Promise<ParticipantResponse> {
    this.checkDateOfBirth(dto.dateOfBirth);
    this.checkCouncilIds(dto.councilIds);
    const { councilIds, ...fields } = dto;
    return this.dataSource.transaction(async (em) => {
      const saved = await em.save(em.create(Participant, { emergencyContacts: [], photoConsent: false, ...fields }));
      if (councilIds) await this.saveCouncilIds(em, saved.id, councilIds);
      if (dto.medicalNotes != null) await this.audit.record(em, actor, [medicalNotesEvent('create', saved.id)]);
      if (hasEqualityData(dto)) await this.audit.record(em, actor, [equalityEvent('create', saved.id)]);
      return this.respond(em, await this.find(saved.id, em), mayReadMedicalNotes(actor.principal));
    });
  }

  async list(query: ParticipantQuery, actor: Actor): Promise<Page<ParticipantResponse>> {
    const withMedical = mayReadMedicalNotes(actor.principal);
    const entities = await paginate(filterParticipants(this.participants.createQueryBuilder('participant'), query), query, (p) => p);
    const ids = entities.items.map((p) => p.id);
    const councilIds = await ParticipantCouncilIdsRepository.of(this.dataSource.manager, ids);
    const photo = await this.consents.photoConsents(this.dataSource.manager, ids, todayInLondon());
    const result = {
      ...entities,
      items: entities.items.map((p) => ParticipantResponse.of({ ...p, photoConsent: photo.get(p.id)! }, withMedical, councilIds.get(p.id))),
    };
    const shown = result.items.filter((p) => p.medicalNotes != null);
    await this.audit.record(this.dataSource.manager, actor, [
      ...shown.map((p) => medicalNotesEvent('read', p.id)),
      ...result.items.filter(equalityShown).map((p) => equalityEvent('read', p.id)),
    ]);
    return result;
  }

  /** One statement: the read and the audit events of what it shows (readParticipantAudited). */
  async get(id: string, actor: Actor): Promise<ParticipantResponse> {
    const withMedical = mayReadMedicalNotes(actor.principal);
    const shown = await readParticipantAudited(this.dataSource.manager, id, actor, withMedical, todayInLondon());
    if (!shown) throw notFound('participant', id);
    const { councilIds, ...participant } = shown;
    return ParticipantResponse.of(participant, withMedical, councilIds);
  }

  async update(id: string, dto: UpdateParticipantDto, actor: Actor): Promise<ParticipantResponse> {
    if (dto.dateOfBirth !== undefined) this.checkDateOfBirth(dto.dateOfBirth);
    this.checkCouncilIds(dto.councilIds);
    const { councilIds, photoConsent, ...fields } = dto;
    return this.dataSource.transaction(async (em) => {
      // Locked like erasure locks it: an update never writes back personal data an erasure has just removed.
      const participant = await em.findOne(Participant, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!participant) throw notFound('participant', id);
      if (participant.erasedAt) throw ruleBroken(ProblemCode.ParticipantErased, 'The participant has been erased: the record cannot be changed');
      await em.save(Participant, { ...participant, ...fields });
      if (photoConsent !== undefined) await this.recordPhotoConsent(em, id, photoConsent);
      if (councilIds) await this.saveCouncilIds(em, id, councilIds);
      const response = await this.respond(em, await this.find(id, em), mayReadMedicalNotes(actor.principal));
      if (dto.medicalNotes !== undefined) await this.audit.record(em, actor, [medicalNotesEvent('amend', id)]);
      else if (response.medicalNotes != null) await this.audit.record(em, actor, [medicalNotesEvent('read', id)]);
      if (equalityChanged(dto)) await this.audit.record(em, actor, [equalityEvent('amend', id)]);
      else if (equalityShown(response)) await this.audit.record(em, actor, [equalityEvent('read', id)]);
      return response;
    });
  }

  async find(id: string, em: EntityManager = this.dataSource.manager): Promise<Participant> {
    const participant = await em.findOneBy(Participant, { id });
    if (!participant) throw notFound('participant', id);
    return participant;
  }

  /** photoConsent is read as the current photography consent (false when none applies, refused or expired). */
  private async respond(em: EntityManager, p: Participant, withMedical: boolean): Promise<ParticipantResponse> {
    const councilIds = await ParticipantCouncilIdsRepository.of(em, [p.id]);
    const photo = await this.consents.photoConsents(em, [p.id], todayInLondon());
    return ParticipantResponse.of({ ...p, photoConsent: photo.get(p.id)! }, withMedical, councilIds.get(p.id));
  }

  /**
   * PATCH photoConsent: a photography consent recorded today (no expiry) when it differs from what
   * applies today — so true renews an expired consent, and the same answer again records nothing. The
   * consents trigger then sets participants.photo_consent. Called with the participant locked.
   */
  private async recordPhotoConsent(em: EntityManager, participantId: string, given: boolean): Promise<void> {
    const today = todayInLondon();
    if ((await this.consents.photoConsents(em, [participantId], today)).get(participantId) === given) return;
    await this.consents.insert(em, {
      participantId,
      purpose: 'photography',
      given,
      givenBy: 'participant record',
      recordedOn: today,
      expiresOn: null,
      recordedBy: 'participant record',
    });
  }

  /** One client id per council. */
  private checkCouncilIds(ids: CouncilId[] | undefined): void {
    const seen = new Set<string>();
    for (const c of ids ?? []) {
      if (seen.has(c.commissionerId)) throw invalidField('councilIds', `names commissioner ${c.commissionerId} twice: one client id per council`);
      seen.add(c.commissionerId);
    }
  }

  private async saveCouncilIds(em: EntityManager, participantId: string, ids: CouncilId[]): Promise<void> {
    const unknown = await ParticipantCouncilIdsRepository.unknownCommissioners(em, ids.map((c) => c.commissionerId));
    if (unknown.length) throw ruleBrokenOn(ProblemCode.UnknownCommissioner, 'councilIds', `no commissioner with id ${unknown.join(', ')}`);
    await ParticipantCouncilIdsRepository.replace(em, participantId, ids);
  }

  private checkDateOfBirth(dateOfBirth: string): void {
    if (dateOfBirth > todayInLondon()) throw invalidField('dateOfBirth', 'must not be in the future');
  }
}
