import { one, rows } from '../database/database.repository.js';
import { bind, type Param, type Queryable, sql, type Statement } from '../database/sql.js';
import type { Outcome } from './outcome.entity.js';
import type { ArtsAwardLevel, OutcomeKind, OutcomeStatus } from './outcome-rules.js';

/*
 * The SQL of outcomes: recording one, lists by participant and by programme-term, the counts a monitoring
 * return publishes, and the checks of what an outcome names.
 */

interface OutcomeRow {
  id: string;
  participant_id: string;
  kind: OutcomeKind;
  level: ArtsAwardLevel | null;
  status: OutcomeStatus;
  achieved_on: string | null;
  description: string | null;
  programme_id: string | null;
  term_id: string | null;
  evidence_note_ids: string[];
  recorded_on: string;
  recorded_by_id: string | null;
  recorded_by_name: string;
  created_at: Date;
}

const toOutcome = (o: OutcomeRow): Outcome => ({
  id: o.id,
  participantId: o.participant_id,
  kind: o.kind,
  level: o.level,
  status: o.status,
  achievedOn: o.achieved_on,
  description: o.description,
  programmeId: o.programme_id,
  termId: o.term_id,
  evidenceNoteIds: o.evidence_note_ids,
  recordedOn: o.recorded_on,
  recordedById: o.recorded_by_id,
  recordedByName: o.recorded_by_name,
  createdAt: o.created_at,
});

export interface NewOutcome {
  participantId: string;
  kind: OutcomeKind;
  level: ArtsAwardLevel | null;
  status: OutcomeStatus;
  achievedOn: string | null;
  description: string | null;
  programmeId: string | null;
  termId: string | null;
  evidenceNoteIds: string[];
  recordedOn: string;
  recordedById: string;
  recordedByName: string;
}

export interface OutcomeFilter {
  participantId?: string;
  programmeId?: string;
  termId?: string;
  kind?: OutcomeKind;
  status?: OutcomeStatus;
  after?: string;
  limit: number;
}

/** Outcomes of a programme-term counted by kind, level and status. */
export interface OutcomeCount {
  kind: OutcomeKind;
  level: ArtsAwardLevel | null;
  status: OutcomeStatus;
  n: number;
}

const COLUMNS = sql`o.id, o.participant_id, o.kind, o.level, o.status, o.achieved_on, o.description, o.programme_id, o.term_id,
  o.evidence_note_ids, o.recorded_on, o.recorded_by_id, o.recorded_by_name, o.created_at`;

/**
 * An outcome belongs to a programme when it names it, or (naming none) when its participant held a place
 * on the programme (in the term, when one is asked for); to a term when it names it, or (naming none) when
 * its date (achieved_on, else recorded_on) lies within the term's dates. Either may be null (no filter).
 */
const ofProgrammeTerm = (programmeId: Param, termId: Param): Statement =>
  sql`(${programmeId}::uuid IS NULL OR coalesce(o.programme_id = ${programmeId}::uuid, EXISTS (
      SELECT 1 FROM registrations r WHERE r.participant_id = o.participant_id AND r.programme_id = ${programmeId}::uuid
         AND r.registered_on IS NOT NULL AND (${termId}::uuid IS NULL OR r.term_id = ${termId}::uuid))))
  AND (${termId}::uuid IS NULL OR coalesce(o.term_id = ${termId}::uuid, EXISTS (
      SELECT 1 FROM terms t WHERE t.id = ${termId}::uuid AND coalesce(o.achieved_on, o.recorded_on) BETWEEN t.starts_on AND t.ends_on)))`;

/** SQL of outcomes. */
export const OutcomeRepository = {
  async insert(db: Queryable, o: NewOutcome): Promise<Outcome> {
    const row = await one<OutcomeRow>(
      db,
      sql`INSERT INTO outcomes AS o (participant_id, kind, level, status, achieved_on, description, programme_id, term_id, evidence_note_ids,
                                     recorded_on, recorded_by_id, recorded_by_name)
          VALUES (${o.participantId}, ${o.kind}, ${o.level}, ${o.status}, ${o.achievedOn}, ${o.description}, ${o.programmeId}, ${o.termId},
                  ${o.evidenceNoteIds}::uuid[], ${o.recordedOn}, ${o.recordedById}, ${o.recordedByName})
          RETURNING ${COLUMNS}`,
    );
    return toOutcome(row!);
  },

  async list(db: Queryable, f: OutcomeFilter): Promise<Outcome[]> {
    const [participantId, kind, status, after] = [f.participantId, f.kind, f.status, f.after].map((v) => bind(v ?? null));
    const found = await rows<OutcomeRow>(
      db,
      sql`SELECT ${COLUMNS} FROM outcomes o
           WHERE ${ofProgrammeTerm(bind(f.programmeId ?? null), bind(f.termId ?? null))}
             AND (${participantId}::uuid IS NULL OR o.participant_id = ${participantId}::uuid)
             AND (${kind}::text IS NULL OR o.kind = ${kind})
             AND (${status}::text IS NULL OR o.status = ${status})
             AND (${after}::uuid IS NULL OR o.id > ${after}::uuid)
           ORDER BY o.id LIMIT ${f.limit}`,
    );
    return found.map(toOutcome);
  },

  /** Outcomes of the programme-term by kind, level and status, counting only the given participants. */
  async countsFor(db: Queryable, programmeId: string, termId: string, participantIds: string[]): Promise<OutcomeCount[]> {
    return rows<OutcomeCount>(
      db,
      sql`SELECT o.kind, o.level, o.status, count(*)::int AS n FROM outcomes o
           WHERE ${ofProgrammeTerm(bind(programmeId), bind(termId))} AND o.participant_id = ANY(${participantIds}::uuid[])
           GROUP BY o.kind, o.level, o.status`,
    );
  },

  /** The participant's state: whether it exists and is erased. */
  async participant(db: Queryable, id: string): Promise<{ erased: boolean } | undefined> {
    return one<{ erased: boolean }>(db, sql`SELECT erased_at IS NOT NULL AS erased FROM participants WHERE id = ${id}`);
  },

  /** Of `noteIds`, those that are not case notes of the participant. */
  async notesNotOf(db: Queryable, participantId: string, noteIds: string[]): Promise<string[]> {
    if (noteIds.length === 0) return [];
    const found = await rows<{ id: string }>(db, sql`SELECT id FROM case_notes WHERE id = ANY(${noteIds}::uuid[]) AND participant_id = ${participantId}`);
    return noteIds.filter((id) => !found.some((r) => r.id === id));
  },

  async programmeExists(db: Queryable, id: string): Promise<boolean> {
    const row = await one<{ found: boolean }>(db, sql`SELECT EXISTS (SELECT 1 FROM programmes WHERE id = ${id}) AS found`);
    return row!.found;
  },

  async termExists(db: Queryable, id: string): Promise<boolean> {
    const row = await one<{ found: boolean }>(db, sql`SELECT EXISTS (SELECT 1 FROM terms WHERE id = ${id}) AS found`);
    return row!.found;
  },
};
