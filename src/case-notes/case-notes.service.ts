import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { type Page, PageQuery, paginate } from '../common/pagination.js';
import { forbidden, invalidField, notFound, ruleBroken, ruleBrokenOn } from '../common/problem.js';
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
import { claimIdempotencyKey, completeIdempotentRequest, type IdempotentRequest } from './idempotency.js';

/** A phone's clock may run a little ahead of ours: this much of "future" is tolerated in occurredAt. */
export const CLOCK_SKEW_MS = 30_000;

const NOTE_COLUMNS = `id, participant_id AS "participantId", category, occurred_at AS "occurredAt", session_id AS "sessionId",
  author_kind AS "authorKind", author_id AS "authorId", author_name AS "authorName",
  reported_author_name AS "reportedAuthorName", version, created_at AS "createdAt", updated_at AS "updatedAt"`;

type Outcome = { replayed: true; stored: CaseNoteResponse } | { replayed: false; note: CaseNoteResponse; alertId: string | null };

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
   * One transaction takes the idempotency key, writes the note, its first version, the audit event, the
   * safeguarding alert's outbox row and the stored response; the alert is queued after the commit.
   */
  async create(participantId: string, dto: CreateCaseNoteDto, actor: Actor, idempotency?: IdempotentRequest): Promise<CaseNoteResponse> {
    this.checkOccurredAt(dto.occurredAt);
    const { principal } = actor;
    const outcome = await this.dataSource.transaction(async (em): Promise<Outcome> => {
      if (idempotency) {
        const claim = await claimIdempotencyKey(em, principal, idempotency);
        if (!claim.claimed) return { replayed: true, stored: claim.stored.body as CaseNoteResponse };
      }
      await this.lockParticipantForWriting(em, participantId);
      if (dto.sessionId) await this.checkSession(em, participantId, dto.sessionId);
      const [note]: CaseNote[] = await em.query(
        `WITH note AS (
           INSERT INTO case_notes (participant_id, category, occurred_at, session_id, author_kind, author_id, author_name, reported_author_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING *
         ), first_version AS (
           INSERT INTO case_note_versions (case_note_id, version, body, author_kind, author_id, author_name, reported_author_name, created_at)
           SELECT id, 1, $9, author_kind, author_id, author_name, reported_author_name, created_at FROM note
         )
         SELECT ${NOTE_COLUMNS} FROM note`,
        [
          participantId,
          dto.category,
          dto.occurredAt,
          dto.sessionId ?? null,
          principal.kind,
          principal.id,
          principal.name,
          dto.authorName ?? null,
          dto.body,
        ],
      );
      await this.audit.record(em, actor, [{ action: 'create', subjectType: 'case_note', subjectId: note.id, participantId }]);
      const alertId = note.category === 'safeguarding' ? await this.alerts.recordAlert(em, note.id, participantId) : null;
      const response = CaseNoteResponse.of(note, { body: dto.body, createdAt: note.createdAt });
      if (idempotency) await completeIdempotentRequest(em, principal, idempotency, { status: 201, body: response });
      return { replayed: false, note: response, alertId };
    });
    if (outcome.replayed) {
      idempotency?.markReplayed();
      return outcome.stored;
    }
    if (outcome.alertId) await this.alerts.enqueue(outcome.alertId);
    return outcome.note;
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
      const [owner] = await em.query('SELECT participant_id FROM case_notes WHERE id = $1', [id]);
      if (!owner) throw notFound('case note', id);
      await this.lockParticipantForWriting(em, owner.participant_id);
      const [current]: CaseNote[] = await em.query(`SELECT ${NOTE_COLUMNS} FROM case_notes WHERE id = $1 FOR UPDATE`, [id]);
      this.requireAccess(principal, current, 'amend');
      const [note]: CaseNote[] = await em.query(
        `WITH amendment AS (
           INSERT INTO case_note_versions (case_note_id, version, body, reason, author_kind, author_id, author_name, reported_author_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING created_at
         )
         UPDATE case_notes SET version = $2, updated_at = (SELECT created_at FROM amendment)
          WHERE id = $1
         RETURNING ${NOTE_COLUMNS}`,
        [id, current.version + 1, dto.body, dto.reason, principal.kind, principal.id, principal.name, dto.authorName ?? null],
      ).then(([rows]) => rows);
      await this.audit.record(em, actor, [
        { action: 'amend', subjectType: 'case_note', subjectId: id, participantId: note.participantId, detail: `version ${note.version}` },
      ]);
      const response = CaseNoteResponse.of(note, { body: dto.body, createdAt: note.updatedAt });
      if (idempotency) await completeIdempotentRequest(em, principal, idempotency, { status: 201, body: response });
      return { replayed: false, note: response, alertId: null };
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

  /**
   * Takes a key-share lock on the participant (as the foreign key would), which erasure's FOR UPDATE
   * waits for: a note is never written beside or after an erasure of its participant.
   */
  private async lockParticipantForWriting(em: EntityManager, participantId: string): Promise<void> {
    const [participant] = await em.query('SELECT erased_at FROM participants WHERE id = $1 FOR KEY SHARE', [participantId]);
    if (!participant) throw notFound('participant', participantId);
    if (participant.erased_at) throw ruleBroken('participant-erased', 'The participant has been erased: no notes may be added to the record');
  }

  private async requireParticipant(participantId: string): Promise<void> {
    const [participant] = await this.dataSource.query('SELECT 1 FROM participants WHERE id = $1', [participantId]);
    if (!participant) throw notFound('participant', participantId);
  }

  /** A note's session must be one of a programme-term on which the participant took a place. */
  private async checkSession(em: EntityManager, participantId: string, sessionId: string): Promise<void> {
    const [row] = await em.query(
      `SELECT EXISTS (SELECT 1 FROM registrations r
                       WHERE r.participant_id = $2 AND r.programme_id = s.programme_id AND r.term_id = s.term_id
                         AND r.registered_on IS NOT NULL) AS registered
         FROM sessions s WHERE s.id = $1`,
      [sessionId, participantId],
    );
    if (!row) throw ruleBrokenOn('unknown-session', 'sessionId', `no session with id ${sessionId}`);
    if (!row.registered) {
      throw ruleBrokenOn('session-not-registered', 'sessionId', "the participant has no place on this session's programme and term");
    }
  }

  private checkOccurredAt(occurredAt: string): void {
    if (Date.parse(occurredAt) > Date.now() + CLOCK_SKEW_MS) throw invalidField('occurredAt', 'must not be in the future');
  }
}
