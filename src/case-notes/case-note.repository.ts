import type { Principal } from '../auth/principal.js';
import { one, rowsOf } from '../database/database.repository.js';
import { type Queryable, sql } from '../database/sql.js';
import type { CaseNote } from './case-note.entity.js';
import { type NoteWriting, writeNoteStatement } from './write-note.js';

/*
 * The SQL over case_notes and case_note_versions written outside the entities: the one statement that
 * writes a note (write-note.ts) and the steps of an amendment. Reads by id and lists go through the
 * CaseNote and CaseNoteVersion entities (CaseNotesService).
 */

/** What the note-writing statement found and did. */
export interface NoteWritten {
  /** Whether the participant is erased; undefined when there is no such participant. */
  participant: { erased: boolean; sessionRegistered: boolean | null } | undefined;
  written: boolean;
  alertId: string | null;
}

interface NoteWrittenRow {
  erased_at: Date | null;
  session_registered: boolean | null;
  written: number;
  alert_id: string | null;
}

interface CaseNoteRow {
  id: string;
  participant_id: string;
  category: CaseNote['category'];
  occurred_at: Date;
  session_id: string | null;
  author_kind: CaseNote['authorKind'];
  author_id: string;
  author_name: string;
  reported_author_name: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const toCaseNote = (r: CaseNoteRow): CaseNote => ({
  id: r.id,
  participantId: r.participant_id,
  category: r.category,
  occurredAt: r.occurred_at,
  sessionId: r.session_id,
  authorKind: r.author_kind,
  authorId: r.author_id,
  authorName: r.author_name,
  reportedAuthorName: r.reported_author_name,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const NOTE_COLUMNS = sql`id, participant_id, category, occurred_at, session_id, author_kind, author_id, author_name,
  reported_author_name, version, created_at, updated_at`;

/** Writes a note in one statement (writeNoteStatement). */
export async function writeNote(db: Queryable, writing: NoteWriting): Promise<NoteWritten> {
  const [row] = await rowsOf<NoteWrittenRow>(db, writeNoteStatement(writing));
  return {
    participant: row && { erased: row.erased_at !== null, sessionRegistered: row.session_registered },
    written: row?.written === 1,
    alertId: row?.alert_id ?? null,
  };
}

/** The participant a note is about, or undefined when there is no such note. */
export async function participantOfNote(db: Queryable, id: string): Promise<string | undefined> {
  const row = await one<{ participant_id: string }>(db, sql`SELECT participant_id FROM case_notes WHERE id = ${id}`);
  return row?.participant_id;
}

/** The note, locked for an amendment (after its participant: the order erasure takes them). */
export async function lockNote(db: Queryable, id: string): Promise<CaseNote | undefined> {
  const row = await one<CaseNoteRow>(db, sql`SELECT ${NOTE_COLUMNS} FROM case_notes WHERE id = ${id} FOR UPDATE`);
  return row && toCaseNote(row);
}

export interface Amendment {
  noteId: string;
  version: number;
  body: string;
  reason: string;
  author: Pick<Principal, 'kind' | 'id' | 'name'>;
  reportedAuthorName: string | null;
}

/** Adds version `version` and makes it the note's current one; the note as it now is. */
export async function addVersion(db: Queryable, a: Amendment): Promise<CaseNote> {
  const row = await one<CaseNoteRow>(
    db,
    sql`WITH amendment AS (
          INSERT INTO case_note_versions (case_note_id, version, body, reason, author_kind, author_id, author_name, reported_author_name)
          VALUES (${a.noteId}, ${a.version}, ${a.body}, ${a.reason}, ${a.author.kind}, ${a.author.id}, ${a.author.name}, ${a.reportedAuthorName})
          RETURNING created_at
        )
        UPDATE case_notes SET version = ${a.version}, updated_at = (SELECT created_at FROM amendment)
         WHERE id = ${a.noteId}
        RETURNING ${NOTE_COLUMNS}`,
  );
  return toCaseNote(row!);
}
