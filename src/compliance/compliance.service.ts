import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { daysBetween, todayInLondon } from '../common/london-calendar.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, keysetPage, type Page } from '../common/pagination.js';
import { invalidField, notFound, ruleBrokenOn } from '../common/problem.js';
import { inTransaction } from '../database/transaction.js';
import { writeComplianceNotifications, writeConsentNotifications } from '../notifications/notification.repository.js';
import { ProblemCode } from '../common/problem-codes.js';
import { addDays } from '../common/london-calendar.js';
import { type ComplianceDocument, ComplianceDocumentRepository } from './compliance-document.repository.js';
import { documentStatus, ORGANISATION_REQUIREMENTS } from './compliance-rules.js';
import type {
  ComplianceDocumentQuery,
  ComplianceDocumentResponse,
  ComplianceReminderQuery,
  ComplianceReminderResponse,
  ComplianceStatusResponse,
  CreateComplianceDocumentDto,
  UpdateComplianceDocumentDto,
} from './dto/compliance.dto.js';

export function toDocumentResponse(d: ComplianceDocument, today = todayInLondon()): ComplianceDocumentResponse {
  const status = documentStatus(d, today) as ComplianceDocumentResponse['status'];
  return {
    id: d.id,
    kind: d.kind,
    subjectType: d.subjectType,
    subjectId: d.subjectId,
    reference: d.reference,
    issuedOn: d.issuedOn,
    expiresOn: d.expiresOn,
    notes: d.notes,
    current: d.supersededById === null,
    supersededById: d.supersededById,
    supersededAt: d.supersededAt?.toISOString() ?? null,
    status,
    createdAt: d.createdAt.toISOString(),
  };
}

/**
 * The compliance register (API.md v1.1 "Staff, compliance and session readiness"): documents by kind
 * and subject with their history, the status of every required item, and the expiry reminders.
 *
 * A newer document of a kind and subject — issued on or after the current one — supersedes it; one
 * recorded with an earlier issue date goes into the history as already superseded. Writers of one kind
 * and subject are serialised (lockKindAndSubject). A DBS check is a rostering's condition (DOMAIN rule
 * 15): a change to a user's documents locks the user row first, as rostering does, and is refused (422
 * dbs-needed-by-roster) when the user's current DBS check would then not cover a session they are
 * rostered on.
 */
@Injectable()
export class ComplianceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly documents: ComplianceDocumentRepository,
  ) {}

  async create(dto: CreateComplianceDocumentDto, principal: Principal): Promise<ComplianceDocumentResponse> {
    if (dto.expiresOn !== undefined && dto.expiresOn < dto.issuedOn) {
      throw ruleBrokenOn(ProblemCode.ExpiryBeforeIssue, 'expiresOn', 'must not be before issuedOn');
    }
    if (dto.subjectType === 'organisation' && dto.subjectId !== undefined) throw invalidField('subjectId', 'must be absent for the organisation');
    const subjectId = dto.subjectType === 'organisation' ? null : dto.subjectId!;
    const saved = await inTransaction(this.dataSource, async (em) => {
      await this.requireSubject(em, dto.subjectType, subjectId);
      await this.documents.lockKindAndSubject(em, dto.kind, dto.subjectType, subjectId);
      const current = await this.documents.current(em, dto.kind, dto.subjectType, subjectId);
      const id = await this.documents.newId(em);
      const becomesCurrent = !current || dto.issuedOn >= current.issuedOn;
      if (current && becomesCurrent) await this.documents.supersede(em, current.id, id);
      const doc = await this.documents.insert(em, {
        id,
        kind: dto.kind,
        subjectType: dto.subjectType,
        subjectId,
        reference: dto.reference ?? null,
        issuedOn: dto.issuedOn,
        expiresOn: dto.expiresOn ?? null,
        notes: dto.notes ?? null,
        createdBy: principal.id,
        supersededById: becomesCurrent ? null : current!.id,
      });
      if (becomesCurrent) await this.checkRosterStillCovered(em, doc);
      return doc;
    });
    return toDocumentResponse(saved);
  }

  /** Corrects a document (its dates, reference, notes); a DBS check's change is checked against the rota. */
  async update(id: string, dto: UpdateComplianceDocumentDto): Promise<ComplianceDocumentResponse> {
    const saved = await inTransaction(this.dataSource, async (em) => {
      const before = await this.documents.find(em, id);
      if (!before) throw notFound('compliance document', id);
      if (before.subjectType === 'user') await this.documents.lockUser(em, before.subjectId!);
      await this.documents.lockKindAndSubject(em, before.kind, before.subjectType, before.subjectId);
      const doc = await this.documents.find(em, id, { lock: true });
      const issuedOn = dto.issuedOn ?? doc!.issuedOn;
      const expiresOn = dto.expiresOn === undefined ? doc!.expiresOn : dto.expiresOn;
      if (expiresOn !== null && expiresOn < issuedOn) throw ruleBrokenOn(ProblemCode.ExpiryBeforeIssue, 'expiresOn', 'must not be before issuedOn');
      const after = await this.documents.update(em, id, dto);
      if (after.supersededById === null) await this.checkRosterStillCovered(em, after);
      return after;
    });
    return toDocumentResponse(saved);
  }

  async get(id: string): Promise<ComplianceDocumentResponse> {
    const doc = await this.documents.find(this.dataSource.manager, id);
    if (!doc) throw notFound('compliance document', id);
    return toDocumentResponse(doc);
  }

  async list(query: ComplianceDocumentQuery): Promise<Page<ComplianceDocumentResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const today = todayInLondon();
    const rows = await this.documents.list(this.dataSource.manager, {
      subjectType: query.subjectType,
      subjectId: query.subjectId,
      kind: query.kind,
      expiringBy: query.expiringWithinDays === undefined ? undefined : addDays(today, query.expiringWithinDays),
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit,
    });
    return keysetPage(rows, limit, (d) => toDocumentResponse(d, today));
  }

  /** Every required item with valid | expiring | expired | missing, on today's London date. */
  async status(today = todayInLondon()): Promise<ComplianceStatusResponse> {
    const rows = await this.documents.requiredItems(this.dataSource.manager, today, ORGANISATION_REQUIREMENTS);
    const items = rows.map((r) => ({
      kind: r.kind,
      subjectType: r.subjectType,
      subjectId: r.subjectId,
      subjectName: r.subjectName,
      status: documentStatus(r.documentId ? { expiresOn: r.expiresOn } : null, today),
      documentId: r.documentId,
      expiresOn: r.expiresOn,
      daysToExpiry: r.expiresOn ? daysBetween(today, r.expiresOn) : null,
    }));
    const counts = { valid: 0, expiring: 0, expired: 0, missing: 0 };
    for (const item of items) counts[item.status] += 1;
    return { asOf: today, counts, items };
  }

  /**
   * The daily job: raises the reminders due today, each once (see ComplianceDocumentRepository.raiseReminders),
   * and in the same transaction the compliance_expiring emails to coordinators and admins (sent by the mail
   * queue once the outbox sweeper finds them), and the consent_expiring emails to guardians.
   */
  async raiseReminders(today = todayInLondon()): Promise<number> {
    return inTransaction(this.dataSource, async (em) => {
      const raised = await this.documents.raiseReminders(em, today);
      await writeComplianceNotifications(em, raised);
      await writeConsentNotifications(em, today); // consents expiring within 30 days: guardians, once each
      return raised.length;
    });
  }

  async reminders(query: ComplianceReminderQuery): Promise<Page<ComplianceReminderResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.documents.listReminders(this.dataSource.manager, {
      documentId: query.documentId,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit,
    });
    return keysetPage(rows, limit, (r) => ({ ...r, raisedAt: r.raisedAt.toISOString() }));
  }

  private async requireSubject(em: Parameters<ComplianceDocumentRepository['current']>[0], type: string, subjectId: string | null): Promise<void> {
    const exists =
      type === 'organisation'
        ? true
        : type === 'user'
          ? (await this.documents.lockUser(em, subjectId!)) !== null
          : await this.documents.programmeExists(em, subjectId!);
    if (!exists) throw ruleBrokenOn(ProblemCode.UnknownSubject, 'subjectId', `no ${type} with id ${subjectId}`);
  }

  /** The current DBS check of a user must still cover every session dated today or later they are rostered on. */
  private async checkRosterStillCovered(em: Parameters<ComplianceDocumentRepository['current']>[0], doc: ComplianceDocument): Promise<void> {
    if (doc.kind !== 'dbs_check' || doc.subjectType !== 'user') return;
    const uncovered = await this.documents.firstRosteredSessionNotCovered(em, doc.subjectId!, todayInLondon(), doc);
    if (uncovered) {
      throw ruleBrokenOn(
        ProblemCode.DbsNeededByRoster,
        'expiresOn',
        `the user is rostered on the session ${uncovered.sessionId} of ${uncovered.date}, which this DBS check would not cover: unroster them first`,
      );
    }
  }
}
