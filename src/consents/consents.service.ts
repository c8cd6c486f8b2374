import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { todayInLondon } from '../common/london-calendar.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, keysetPage, type PageQuery } from '../common/pagination.js';
import { notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { inTransaction } from '../database/transaction.js';
import { ProblemCode } from '../common/problem-codes.js';
import { ConsentRepository } from './consent.repository.js';
import { type ConsentPage, type ConsentResponse, type RecordConsentDto, toConsentResponse } from './dto/consent.dto.js';


/**
 * Consents by purpose, with their history: the latest recorded per purpose applies until it expires.
 * A photography consent sets the participant's photoConsent (a trigger of the consents table).
 */
@Injectable()
export class ConsentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consents: ConsentRepository,
  ) {}

  async record(participantId: string, dto: RecordConsentDto, principal: Principal): Promise<ConsentResponse> {
    if (dto.expiresOn !== undefined && dto.expiresOn < dto.recordedOn) {
      throw ruleBrokenOn(ProblemCode.ConsentExpiryBeforeRecorded, 'expiresOn', 'must not be before recordedOn');
    }
    const consent = await inTransaction(this.dataSource, async (em) => {
      const participant = await this.consents.lockParticipant(em, participantId);
      if (!participant) throw notFound('participant', participantId);
      // Erasure holds the same lock: a guardian's name is never stored on a record erased before or meanwhile.
      if (participant.erased) throw ruleBroken(ProblemCode.ParticipantErased, 'The participant record has been erased: no consent may be recorded');
      return this.consents.insert(em, {
        participantId,
        purpose: dto.purpose,
        given: dto.given,
        givenBy: dto.givenBy,
        recordedOn: dto.recordedOn,
        expiresOn: dto.expiresOn ?? null,
        recordedBy: `${principal.kind}:${principal.id}`,
      });
    });
    return toConsentResponse(consent);
  }

  async list(participantId: string, page: PageQuery): Promise<ConsentPage> {
    const sql = this.dataSource.manager;
    if (!(await this.consents.participantExists(sql, participantId))) throw notFound('participant', participantId);
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.consents.history(sql, participantId, { after: page.cursor ? decodeCursor(page.cursor) : undefined, limit });
    const current = (await this.consents.currentFor(sql, [participantId], todayInLondon())).get(participantId)!;
    return { ...keysetPage(rows, limit, toConsentResponse), current };
  }
}
