import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { todayInLondon } from '../common/london-calendar.js';
import { type Page, PageQuery, paginate } from '../common/pagination.js';
import { invalidField, notFound } from '../common/problem.js';
import { CreateParticipantDto, ParticipantResponse, UpdateParticipantDto } from './dto/participant.dto.js';
import { mayReadMedicalNotes } from './medical-notes.js';
import { Participant } from './participant.entity.js';

@Injectable()
export class ParticipantsService {
  constructor(@InjectRepository(Participant) private readonly participants: Repository<Participant>) {}

  async create(dto: CreateParticipantDto, principal: Principal): Promise<ParticipantResponse> {
    this.checkDateOfBirth(dto.dateOfBirth);
    const saved = await this.participants.save(
      this.participants.create({ emergencyContacts: [], photoConsent: false, ...dto }),
    );
    return this.get(saved.id, principal);
  }

  list(page: PageQuery, principal: Principal): Promise<Page<ParticipantResponse>> {
    const withMedical = mayReadMedicalNotes(principal);
    return paginate(this.participants.createQueryBuilder('participant'), page, (p) => ParticipantResponse.of(p, withMedical));
  }

  async get(id: string, principal: Principal): Promise<ParticipantResponse> {
    return ParticipantResponse.of(await this.find(id), mayReadMedicalNotes(principal));
  }

  async update(id: string, dto: UpdateParticipantDto, principal: Principal): Promise<ParticipantResponse> {
    const participant = await this.find(id);
    if (dto.dateOfBirth !== undefined) this.checkDateOfBirth(dto.dateOfBirth);
    await this.participants.save({ ...participant, ...dto });
    return this.get(id, principal);
  }

  async find(id: string): Promise<Participant> {
    const participant = await this.participants.findOneBy({ id });
    if (!participant) throw notFound('participant', id);
    return participant;
  }

  private checkDateOfBirth(dateOfBirth: string): void {
    if (dateOfBirth > todayInLondon()) throw invalidField('dateOfBirth', 'must not be in the future');
  }
}
