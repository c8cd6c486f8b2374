import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { auditInsertClause, AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { type Page, PageQuery, paginate } from '../common/pagination.js';
import { uuidv7 } from '../common/uuid-v7.js';
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
 * One statement that writes a note, its first version and its 'create' audit event, if the participant
 * exists and is not erased and the session (when given) is one of a programme-term on which the
 * participant took a place. It answers `written` (1 or 0) and, when the participant exists, what the
 * checks found. (Also run by test/bench/case-notes.ts as the baseline: the same inserts straight through pg.)
 *
 * The participant is key-share locked (as a foreign key would), which erasure's FOR UPDATE waits for: a
 * note is never written beside or after an erasure of its participant.
 */
export function insertNoteStatement(note: CaseNote, body: string, actor: Actor): { sql: string; params: unknown[] } {
  const audit = auditInsertClause(actor, 'create', 'case_note', 'note', 12);
  return {
    sql: `WITH participant AS (
            SELECT p.erased_at,
                   (SELECT EXISTS (SELECT 1 FROM registrations r
                                    WHERE r.participant_id = p.id AND r.programme_id = s.programme_id AND r.term_id = s.term_id
                                      AND r.registered_on IS NOT NULL)
                      FROM sessions s WHERE s.id = $5) AS session_registered
              FROM participants p WHERE p.id = $2
               FOR KEY SHARE OF p
          ), note AS (
            INSERT INTO case_notes (id, participant_id, category, occurred_at, session_id, author_kind, author_id, author_name,
                                    reported_author_name, created_at, updated_at)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10 FROM participant
             WHERE participant.erased_at IS NULL AND ($5::uuid IS NULL OR participant.session_registered)
            RETURNING id, participant_id
          ), first_version AS (
            INSERT INTO case_note_versions (case_note_id, version, body, author_kind, author_id, author_name, reported_author_name, created_at)
            SELECT id, 1, $11, $6, $7, $8, $9, $10 FROM note
          ), created AS (
            ${audit.sql}
          )
          SELECT participant.erased_at, participant.session_registered, (SELECT count(*) FROM note)::int AS written FROM participant`,
    params: [
      note.id,
      note.participantId,
      note.category,
      note.occurredAt,
      note.sessionId,
      note.authorKind,
      note.authorId,
      note.authorName,
      note.reportedAuthorName,
      note.createdAt,
      body,
      ...audit.params,
    ],
  };
}

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
   * One transaction takes the idempotency key (storing the response, whose id is made here), then, in one
   * statement, checks and key-share-locks the participant, checks the session, and writes the note, its
   * first version and the audit event; the safeguarding alert's outbox row follows. The alert is queued
   * after the commit. This is the integrations' hot path: four statements between BEGIN and COMMIT.
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
    const outcome = await this.dataSource.transaction(async (em): Promise<Outcome> => {
      if (idempotency) {
        const claim = await claimIdempotencyKey(em, principal, idempotency, { status: 201, body: response });
        if (!claim.claimed) return { replayed: true, stored: claim.stored.body as CaseNoteResponse };
      }
      await this.insertNote(em, note, dto.body, actor);
      const alertId = note.category === 'safeguarding' ? await this.alerts.recordAlert(em, note.id, participantId) : null;
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
   * Writes the note, its first version and its 'create' audit event (insertNoteStatement), or says why
   * it may not: no such participant (404), an erased one, or a session without a place (422).
   */
  private async insertNote(em: EntityManager, note: CaseNote, body: string, actor: Actor): Promise<void> {
    const statement = insertNoteStatement(note, body, actor);
    const [row] = await em.query(statement.sql, statement.params);
    if (row?.written === 1) return;
    this.requireWritable(note.participantId, row);
    if (row.session_registered === null) throw ruleBrokenOn('unknown-session', 'sessionId', `no session with id ${note.sessionId}`);
    throw ruleBrokenOn('session-not-registered', 'sessionId', "the participant has no place on this session's programme and term");
  }

  /** Takes the same key-share lock as insertNote() and makes the same participant checks (for amendments). */
  private async lockParticipantForWriting(em: EntityManager, participantId: string): Promise<void> {
    const [row] = await em.query('SELECT erased_at FROM participants WHERE id = $1 FOR KEY SHARE', [participantId]);
    this.requireWritable(participantId, row);
  }

  /** Notes are written only about a participant who exists (404) and has not been erased (422). */
  private requireWritable(participantId: string, row: { erased_at: Date | null } | undefined): asserts row {
    if (!row) throw notFound('participant', participantId);
    if (row.erased_at) throw ruleBroken('participant-erased', 'The participant has been erased: no notes may be added to the record');
  }

  private async requireParticipant(participantId: string): Promise<void> {
    const [participant] = await this.dataSource.query('SELECT 1 FROM participants WHERE id = $1', [participantId]);
    if (!participant) throw notFound('participant', participantId);
  }

  private checkOccurredAt(occurredAt: string): void {
    if (Date.parse(occurredAt) > Date.now() + CLOCK_SKEW_MS) throw invalidField('occurredAt', 'must not be in the future');
  }
}
