import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { todayInLondon } from '../common/london-calendar.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, keysetPage, type PageQuery } from '../common/pagination.js';
import { notFound, ruleBrokenOn } from '../common/problem.js';
import { inTransaction } from '../database/transaction.js';
import { type Consent, ConsentRepository } from './consent.repository.js';
import type { ConsentPage, ConsentResponse, RecordConsentDto } from './dto/consent.dto.js';

export const ConsentRule = {
  ExpiryBeforeRecorded: 'consent-expiry-before-recorded',
  /** Present or late on an off-site session without a current off_site_trips consent (the attendance trigger's constraint). */
  OffSiteConsentMissing: 'off-site-consent-missing',
} as const;

const toResponse = (c: Consent): ConsentResponse => ({ ...c, createdAt: c.createdAt.toISOString() });

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
      throw ruleBrokenOn(ConsentRule.ExpiryBeforeRecorded, 'expiresOn', 'must not be before recordedOn');
    }
    const consent = await inTransaction(this.dataSource, async (em) => {
      if (!(await this.consents.lockParticipant(em, participantId))) throw notFound('participant', participantId);
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
    return toResponse(consent);
  }

  async list(participantId: string, page: PageQuery): Promise<ConsentPage> {
    const sql = this.dataSource.manager;
    if (!(await this.consents.participantExists(sql, participantId))) throw notFound('participant', participantId);
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.consents.history(sql, participantId, { after: page.cursor ? decodeCursor(page.cursor) : undefined, limit });
    const current = (await this.consents.currentFor(sql, [participantId], todayInLondon())).get(participantId)!;
    return { ...keysetPage(rows, limit, toResponse), current };
  }
}
