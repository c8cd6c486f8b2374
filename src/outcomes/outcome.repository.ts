import type { Sql } from '../database/sql.js';
import type { ArtsAwardLevel, OutcomeKind, OutcomeStatus } from './outcome-rules.js';

export interface OutcomeRow {
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
  recorded_by_name: string;
  created_at: Date;
}

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

const COLUMNS = `o.id, o.participant_id, o.kind, o.level, o.status, o.achieved_on, o.description, o.programme_id, o.term_id,
  o.evidence_note_ids, o.recorded_on, o.recorded_by_name, o.created_at`;

/**
 * An outcome belongs to a programme when it names it, or (naming none) when its participant held a place
 * on the programme (in the term, when one is asked for); to a term when it names it, or (naming none) when
 * its date (achieved_on, else recorded_on) lies within the term's dates. Placeholders: $1 programme, $2 term.
 */
const OF_PROGRAMME_TERM = `($1::uuid IS NULL OR coalesce(o.programme_id = $1::uuid, EXISTS (
      SELECT 1 FROM registrations r WHERE r.participant_id = o.participant_id AND r.programme_id = $1::uuid
         AND r.registered_on IS NOT NULL AND ($2::uuid IS NULL OR r.term_id = $2::uuid))))
  AND ($2::uuid IS NULL OR coalesce(o.term_id = $2::uuid, EXISTS (
      SELECT 1 FROM terms t WHERE t.id = $2::uuid AND coalesce(o.achieved_on, o.recorded_on) BETWEEN t.starts_on AND t.ends_on)))`;

/** SQL of outcomes. */
export const OutcomeRepository = {
  async insert(sql: Sql, o: NewOutcome): Promise<OutcomeRow> {
    const [row] = await sql.query(
      `INSERT INTO outcomes AS o (participant_id, kind, level, status, achieved_on, description, programme_id, term_id, evidence_note_ids,
                                  recorded_on, recorded_by_id, recorded_by_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[], $10, $11, $12) RETURNING ${COLUMNS}`,
      [o.participantId, o.kind, o.level, o.status, o.achievedOn, o.description, o.programmeId, o.termId, o.evidenceNoteIds, o.recordedOn, o.recordedById, o.recordedByName],
    );
    return row;
  },

  async list(sql: Sql, f: OutcomeFilter): Promise<OutcomeRow[]> {
    return sql.query(
      `SELECT ${COLUMNS} FROM outcomes o
        WHERE ${OF_PROGRAMME_TERM}
          AND ($3::uuid IS NULL OR o.participant_id = $3::uuid)
          AND ($4::text IS NULL OR o.kind = $4)
          AND ($5::text IS NULL OR o.status = $5)
          AND ($6::uuid IS NULL OR o.id > $6::uuid)
        ORDER BY o.id LIMIT $7`,
      [f.programmeId ?? null, f.termId ?? null, f.participantId ?? null, f.kind ?? null, f.status ?? null, f.after ?? null, f.limit],
    );
  },

  /** Outcomes of the programme-term by kind, level and status, counting only the given participants. */
  async countsFor(sql: Sql, programmeId: string, termId: string, participantIds: string[]): Promise<Array<{ kind: OutcomeKind; level: ArtsAwardLevel | null; status: OutcomeStatus; n: number }>> {
    return sql.query(
      `SELECT o.kind, o.level, o.status, count(*)::int AS n FROM outcomes o
        WHERE ${OF_PROGRAMME_TERM} AND o.participant_id = ANY($3::uuid[])
        GROUP BY o.kind, o.level, o.status`,
      [programmeId, termId, participantIds],
    );
  },

  /** The participant's state: whether it exists and is erased. */
  async participant(sql: Sql, id: string): Promise<{ erased: boolean } | null> {
    const [row] = await sql.query(`SELECT erased_at IS NOT NULL AS erased FROM participants WHERE id = $1`, [id]);
    return row ?? null;
  },

  /** Of `noteIds`, those that are not case notes of the participant. */
  async notesNotOf(sql: Sql, participantId: string, noteIds: string[]): Promise<string[]> {
    if (noteIds.length === 0) return [];
    const rows: Array<{ id: string }> = await sql.query(`SELECT id FROM case_notes WHERE id = ANY($1::uuid[]) AND participant_id = $2`, [noteIds, participantId]);
    return noteIds.filter((id) => !rows.some((r) => r.id === id));
  },

  async exists(sql: Sql, table: 'programmes' | 'terms', id: string): Promise<boolean> {
    const [row] = await sql.query(`SELECT EXISTS (SELECT 1 FROM ${table === 'programmes' ? 'programmes' : 'terms'} WHERE id = $1) AS found`, [id]);
    return row.found;
  },
};
