import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { todayInLondon } from '../common/london-calendar.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, keysetPage, type Page } from '../common/pagination.js';
import { conflict, invalidField, notFound, ruleBrokenOn } from '../common/problem.js';
import type { CreateReferralDto, ReferralDecisionDto, ReferralQuery, ReferralResponse } from './dto/referral.dto.js';
import type { Referral } from './referral.entity.js';
import { ReferralRepository } from './referral.repository.js';
import { ProblemCode } from '../common/problem-codes.js';

function toReferralResponse(r: Referral): ReferralResponse {
  return {
    id: r.id,
    source: r.source,
    commissionerId: r.commissionerId,
    referredOn: r.referredOn,
    programmeId: r.programmeId,
    participantId: r.participantId,
    childFirstName: r.childFirstName,
    childLastName: r.childLastName,
    notes: r.notes,
    status: r.status,
    reason: r.reason,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decidedBy: r.decidedByName,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Referrals: intake, one decision each (from `received` only), lists by status. */
@Injectable()
export class ReferralsService {
  constructor(private readonly dataSource: DataSource) {}

  async create(dto: CreateReferralDto, actor: Actor): Promise<ReferralResponse> {
    if (dto.referredOn > todayInLondon()) throw invalidField('referredOn', 'must not be in the future');
    await this.checkExisting(dto);
    const row = await ReferralRepository.insert(this.dataSource.manager, {
      source: dto.source,
      commissionerId: dto.commissionerId ?? null,
      referredOn: dto.referredOn,
      programmeId: dto.programmeId ?? null,
      participantId: dto.participantId ?? null,
      childFirstName: dto.childFirstName ?? null,
      childLastName: dto.childLastName ?? null,
      notes: dto.notes ?? null,
      createdById: actor.principal.id,
    });
    return toReferralResponse(row);
  }

  async get(id: string): Promise<ReferralResponse> {
    const row = await ReferralRepository.find(this.dataSource.manager, id);
    if (!row) throw notFound('referral', id);
    return toReferralResponse(row);
  }

  async decide(id: string, dto: ReferralDecisionDto, actor: Actor): Promise<ReferralResponse> {
    const current = await ReferralRepository.find(this.dataSource.manager, id);
    if (!current) throw notFound('referral', id);
    if (current.status !== 'received') throw this.alreadyDecided(current);
    if (dto.participantId && current.participantId && dto.participantId !== current.participantId) {
      throw ruleBrokenOn(ProblemCode.ReferralParticipantMismatch, 'participantId', `the referral already names participant ${current.participantId}`);
    }
    if (dto.status === 'accepted' && !dto.participantId && !current.participantId) {
      throw ruleBrokenOn(ProblemCode.ReferralNeedsParticipant, 'participantId', 'an accepted referral needs a participant: create the participant and name it');
    }
    if (dto.participantId) await this.checkExisting({ participantId: dto.participantId });
    const { kind, id: byId, name } = actor.principal;
    const decided = await ReferralRepository.decide(this.dataSource.manager, id, dto.status, dto.reason ?? null, dto.participantId ?? null, { kind, id: byId, name });
    if (!decided) {
      // decided meanwhile by a racing request
      throw this.alreadyDecided((await ReferralRepository.find(this.dataSource.manager, id))!);
    }
    return toReferralResponse(decided);
  }

  async list(query: ReferralQuery): Promise<Page<ReferralResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await ReferralRepository.list(this.dataSource.manager, {
      status: query.status,
      commissionerId: query.commissionerId,
      programmeId: query.programmeId,
      participantId: query.participantId,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    return keysetPage(rows, limit, toReferralResponse);
  }

  private alreadyDecided(r: Referral) {
    return conflict(ProblemCode.ReferralAlreadyDecided, `Referral ${r.id} has been decided already (${r.status}): a decision is made only once, from received`);
  }

  private async checkExisting(ids: { commissionerId?: string; programmeId?: string; participantId?: string }): Promise<void> {
    const found = await ReferralRepository.existing(this.dataSource.manager, ids);
    if (!found.commissioner) throw ruleBrokenOn(ProblemCode.UnknownCommissioner, 'commissionerId', `no commissioner with id ${ids.commissionerId}`);
    if (!found.programme) throw ruleBrokenOn(ProblemCode.UnknownProgramme, 'programmeId', `no programme with id ${ids.programmeId}`);
    if (!found.participant) throw ruleBrokenOn(ProblemCode.UnknownParticipant, 'participantId', `no participant with id ${ids.participantId}`);
  }
}
