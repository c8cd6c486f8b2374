import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { todayInLondon } from '../common/london-calendar.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, keysetPage, type Page } from '../common/pagination.js';
import { invalidField, notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import type { CreateOutcomeDto, OutcomeQuery, OutcomeResponse } from './dto/outcome.dto.js';
import { ProblemCode } from '../common/problem-codes.js';
import type { Outcome } from './outcome.entity.js';
import { OutcomeRepository } from './outcome.repository.js';

function toOutcomeResponse(o: Outcome): OutcomeResponse {
  return {
    id: o.id,
    participantId: o.participantId,
    kind: o.kind,
    level: o.level,
    status: o.status,
    achievedOn: o.achievedOn,
    description: o.description,
    programmeId: o.programmeId,
    termId: o.termId,
    evidenceNoteIds: o.evidenceNoteIds,
    recordedOn: o.recordedOn,
    recordedBy: o.recordedByName,
    createdAt: o.createdAt.toISOString(),
  };
}

/** Outcomes: Arts Award levels and progression, evidenced by the participant's case notes. */
@Injectable()
export class OutcomesService {
  constructor(private readonly dataSource: DataSource) {}

  async create(participantId: string, dto: CreateOutcomeDto, actor: Actor): Promise<OutcomeResponse> {
    const today = todayInLondon();
    if (dto.kind === 'arts_award' && !dto.level) throw ruleBrokenOn(ProblemCode.ArtsAwardNeedsLevel, 'level', 'an Arts Award names its level: discover, explore, bronze, silver or gold');
    if (dto.kind !== 'arts_award' && dto.level) throw ruleBrokenOn(ProblemCode.LevelOnlyForArtsAward, 'level', 'only an Arts Award has a level');
    if (dto.status !== 'achieved' && dto.achievedOn) {
      throw ruleBrokenOn(ProblemCode.AchievedOnOnlyWhenAchieved, 'achievedOn', 'an outcome worked towards has no achievement date');
    }
    if (dto.achievedOn && dto.achievedOn > today) throw invalidField('achievedOn', 'must not be in the future');
    const db = this.dataSource.manager;
    const participant = await OutcomeRepository.participant(db, participantId);
    if (!participant) throw notFound('participant', participantId);
    if (participant.erased) throw ruleBroken(ProblemCode.ParticipantErased, 'The participant has been erased: nothing new is recorded about them');
    if (dto.programmeId && !(await OutcomeRepository.programmeExists(db, dto.programmeId))) {
      throw ruleBrokenOn(ProblemCode.UnknownProgramme, 'programmeId', `no programme with id ${dto.programmeId}`);
    }
    if (dto.termId && !(await OutcomeRepository.termExists(db, dto.termId))) throw ruleBrokenOn(ProblemCode.UnknownTerm, 'termId', `no term with id ${dto.termId}`);
    const foreign = await OutcomeRepository.notesNotOf(db, participantId, dto.evidenceNoteIds ?? []);
    if (foreign.length) {
      throw ruleBrokenOn(ProblemCode.EvidenceNotOfParticipant, 'evidenceNoteIds', `not case notes of this participant: ${foreign.join(', ')}`);
    }
    const row = await OutcomeRepository.insert(db, {
      participantId,
      kind: dto.kind,
      level: dto.level ?? null,
      status: dto.status,
      achievedOn: dto.status === 'achieved' ? (dto.achievedOn ?? today) : null,
      description: dto.description ?? null,
      programmeId: dto.programmeId ?? null,
      termId: dto.termId ?? null,
      evidenceNoteIds: dto.evidenceNoteIds ?? [],
      recordedOn: today,
      recordedById: actor.principal.id,
      recordedByName: actor.principal.name,
    });
    return toOutcomeResponse(row);
  }

  async ofParticipant(participantId: string, query: OutcomeQuery): Promise<Page<OutcomeResponse>> {
    if (!(await OutcomeRepository.participant(this.dataSource.manager, participantId))) throw notFound('participant', participantId);
    return this.list({ ...query, participantId });
  }

  async list(query: OutcomeQuery & { participantId?: string }): Promise<Page<OutcomeResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await OutcomeRepository.list(this.dataSource.manager, {
      participantId: query.participantId,
      programmeId: query.programmeId,
      termId: query.termId,
      kind: query.kind,
      status: query.status,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    return keysetPage(rows, limit, toOutcomeResponse);
  }
}
