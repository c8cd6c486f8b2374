import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { type Page, PageQuery, paginate } from '../common/pagination.js';
import { uuidv7 } from '../common/uuid-v7.js';
import { forbidden, invalidField, notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
import { keyShareLockParticipant, participantExists } from '../participants/participant.repository.js';
import { SafeguardingAlertsService } from '../safeguarding-alerts/safeguarding-alerts.service.js';
import { mayAmend, mayRead, type NoteAccessFacts, readableCategories } from './case-note-access.js';
import { CaseNote } from './case-note.entity.js';
import { CaseNoteVersion } from './case-note-version.entity.js';
import {
  AmendCaseNoteDto,
  CaseNoteQuery,
  CaseNoteResponse,
  CaseNoteVersionResponse,
  CreateCaseNoteDto,
} from './dto/case-note.dto.js';
import { addVersion, lockNote, participantOfNote, writeNote } from './case-note.repository.js';
import { claimIdempotencyKey, completeIdempotentRequest, findStoredResponse, type IdempotentRequest, keyInProgress } from './idempotency.js';
import { ProblemCode } from '../common/problem-codes.js';

/** A phone's clock may run a little ahead of ours: this much of "future" is tolerated in occurredAt. */
export const CLOCK_SKEW_MS = 30_000;

type Outcome = { replayed: true; stored: CaseNoteResponse } | { replayed: false; note: CaseNoteResponse };

/**
 * Case notes: written by staff and integrations, never edited (an amendment is a new version), read
 * only by those who may (case-note-access.ts), every read and change audited (rule 9), and stored once
 * per idempotency key (rule 8, idempotency.ts).
 */
@Injectable()
export class CaseNotesService {
  constructor(
    @InjectRepository(CaseNote) private readonly notes: Repository<CaseNote>,
    @InjectRepository(CaseNoteVersion) private readonly versions: Repository<CaseNoteVersion>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly alerts: SafeguardingAlertsService,
  ) {}

  /**
   * Writes the note, its first version, its audit event, its safeguarding alert's outbox row and its
   * idempotency key in one statement (writeNoteStatement, case-note.repository.ts), then queues the alert. A statement that wrote
   * nothing met a taken key (replay, or 409 for another request) or a refusal (404, 422).
   */
  async create(participantId: string, dto: CreateCaseNoteDto, actor: Actor, idempotency?: IdempotentRequest): Promise<CaseNoteResponse> {
    this.checkOccurredAt(dto.occurredAt);
    const { principal } = actor;
    const createdAt = new Date();
    const note: CaseNote = {
      id: uuidv7(createdAt.getTime()),
      participantId,
      category: dto.category,
      occurredAt: new Date(dto.occurredAt),
      sessionId: dto.sessionId ?? null,
      authorKind: principal.kind,
      authorId: principal.id,
      authorName: principal.name,
      reportedAuthorName: dto.authorName ?? null,
      version: 1,
      createdAt,
      updatedAt: createdAt,
    };
    const response = CaseNoteResponse.of(note, { body: dto.body, createdAt });
    const result = await writeNote(this.dataSource.manager, {
      note,
      body: dto.body,
      actor,
      idempotency: idempotency && { request: idempotency, response: { status: 201, body: response } },
      alert: this.alerts.alertsFor(note.category),
    });
    if (result.written) {
      if (result.alertId) await this.alerts.enqueue(result.alertId);
      return response;
    }
    if (idempotency) {
      const stored = await findStoredResponse(this.dataSource.manager, principal, idempotency);
      if (stored) {
        idempotency.markReplayed();
        return stored.body as CaseNoteResponse;
      }
    }
    const participant = result.participant;
    this.requireWritable(participantId, participant);
    if (note.sessionId !== null && participant.sessionRegistered === null) {
      throw ruleBrokenOn(ProblemCode.UnknownSession, 'sessionId', `no session with id ${note.sessionId}`);
    }
    if (note.sessionId !== null && !participant.sessionRegistered) {
      throw ruleBrokenOn(ProblemCode.SessionNotRegistered, 'sessionId', "the participant has no place on this session's programme and term");
    }
    // The key was taken, then pruned before we could read it: rare enough to ask for a retry.
    throw keyInProgress();
  }

  /** A new version with a reason; the note's `version` moves on by one. Concurrent amendments queue on the note's row. */
  async amend(id: string, dto: AmendCaseNoteDto, actor: Actor, idempotency?: IdempotentRequest): Promise<CaseNoteResponse> {
    const { principal } = actor;
    const outcome = await this.dataSource.transaction(async (em): Promise<Outcome> => {
      if (idempotency) {
        const claim = await claimIdempotencyKey(em, principal, idempotency);
        if (!claim.claimed) return { replayed: true, stored: claim.stored.body as CaseNoteResponse };
      }
      // The participant is locked before the note, in the order erasure takes them.
      const ownerId = await participantOfNote(em, id);
      if (!ownerId) throw notFound('case note', id);
      await this.lockParticipantForWriting(em, ownerId);
      const current = await lockNote(em, id);
      this.requireAccess(principal, current!, 'amend');
      const note = await addVersion(em, {
        noteId: id,
        version: current!.version + 1,
        body: dto.body,
        reason: dto.reason,
        author: principal,
        reportedAuthorName: dto.authorName ?? null,
      });
      await this.audit.record(em, actor, [
        { action: 'amend', subjectType: 'case_note', subjectId: id, participantId: note.participantId, detail: `version ${note.version}` },
      ]);
      const response = CaseNoteResponse.of(note, { body: dto.body, createdAt: note.updatedAt });
      if (idempotency) await completeIdempotentRequest(em, principal, idempotency, { status: 201, body: response });
      return { replayed: false, note: response };
    });
    if (outcome.replayed) {
      idempotency?.markReplayed();
      return outcome.stored;
    }
    return outcome.note;
  }

  async get(id: string, actor: Actor): Promise<CaseNoteResponse> {
    const note = await this.withCurrentVersion().where('note.id = :id', { id }).getOne();
    if (!note) throw notFound('case note', id);
    this.requireAccess(actor.principal, note, 'read');
    await this.audit.record(this.dataSource.manager, actor, [
      { action: 'read', subjectType: 'case_note', subjectId: id, participantId: note.participantId, detail: 'by-id' },
    ]);
    return CaseNoteResponse.of(note, note.current!);
  }

  /** The participant's notes the caller may read (restricted categories are left out, not refused). */
  async list(participantId: string, query: CaseNoteQuery, actor: Actor): Promise<Page<CaseNoteResponse>> {
    await this.requireParticipant(participantId);
    const categories = readableCategories(actor.principal).filter((c) => !query.category || c === query.category);
    if (categories.length === 0) return { items: [], nextCursor: null };
    const qb = this.withCurrentVersion()
      .where('note.participantId = :participantId', { participantId })
      .andWhere('note.category IN (:...categories)', { categories });
    const page = await paginate(qb, query, (note) => CaseNoteResponse.of(note, note.current!));
    await this.audit.record(
      this.dataSource.manager,
      actor,
      page.items.map((note) => ({ action: 'read', subjectType: 'case_note', subjectId: note.id, participantId, detail: 'list' })),
    );
    return page;
  }

  /** Every version, oldest first, for those who may read the note. */
  async listVersions(id: string, query: PageQuery, actor: Actor): Promise<Page<CaseNoteVersionResponse>> {
    const note = await this.notes.findOneBy({ id });
    if (!note) throw notFound('case note', id);
    this.requireAccess(actor.principal, note, 'read');
    const page = await paginate(
      this.versions.createQueryBuilder('version').where('version.caseNoteId = :id', { id }),
      query,
      CaseNoteVersionResponse.of,
    );
    await this.audit.record(this.dataSource.manager, actor, [
      { action: 'read', subjectType: 'case_note', subjectId: id, participantId: note.participantId, detail: 'versions' },
    ]);
    return page;
  }

  /** The one place that decides whether a caller may read or amend a given note. */
  private requireAccess(principal: Principal, note: NoteAccessFacts, action: 'read' | 'amend'): void {
    if (action === 'read' && !mayRead(principal, note)) {
      throw forbidden(`You may not read ${note.category} notes`);
    }
    if (action === 'amend' && !mayAmend(principal, note)) {
      throw forbidden(
        principal.kind === 'integration'
          ? 'An integration may amend only the notes it posted'
          : `You may amend only notes you may read or that you wrote; you may not read ${note.category} notes`,
      );
    }
  }

  private withCurrentVersion() {
    return this.notes
      .createQueryBuilder('note')
      .innerJoinAndMapOne('note.current', CaseNoteVersion, 'current', 'current.caseNoteId = note.id AND current.version = note.version');
  }

  /** Takes the same key-share lock as writeNoteStatement() and makes the same participant checks (for amendments). */
  private async lockParticipantForWriting(em: EntityManager, participantId: string): Promise<void> {
    this.requireWritable(participantId, await keyShareLockParticipant(em, participantId));
  }

  /** Notes are written only about a participant who exists (404) and has not been erased (422). */
  private requireWritable<P extends { erased: boolean }>(participantId: string, participant: P | undefined): asserts participant is P {
    if (!participant) throw notFound('participant', participantId);
    if (participant.erased) throw ruleBroken(ProblemCode.ParticipantErased, 'The participant has been erased: no notes may be added to the record');
  }

  private async requireParticipant(participantId: string): Promise<void> {
    if (!(await participantExists(this.dataSource.manager, participantId))) throw notFound('participant', participantId);
  }

  private checkOccurredAt(occurredAt: string): void {
    if (Date.parse(occurredAt) > Date.now() + CLOCK_SKEW_MS) throw invalidField('occurredAt', 'must not be in the future');
  }
}
