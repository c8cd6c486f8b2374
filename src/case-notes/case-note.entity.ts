import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CaseNoteCategory } from './case-note-access.js';
import type { CaseNoteVersion } from './case-note-version.entity.js';

export type AuthorKind = 'user' | 'integration';

/**
 * A dated record about a participant. Never edited in place: `version` points at the current one of
 * its case_note_versions, which hold the bodies. The database refuses any other change.
 */
@Entity('case_notes')
export class CaseNote {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'participant_id', type: 'uuid' }) participantId: string;
  @Column('text') category: CaseNoteCategory;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
  @Column({ name: 'session_id', type: 'uuid', nullable: true }) sessionId: string | null;
  @Column({ name: 'author_kind', type: 'text' }) authorKind: AuthorKind;
  @Column({ name: 'author_id', type: 'uuid' }) authorId: string;
  @Column({ name: 'author_name', type: 'text' }) authorName: string;
  @Column({ name: 'reported_author_name', type: 'text', nullable: true }) reportedAuthorName: string | null;
  @Column('integer') version: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;

  /** The current version, joined by the queries that read notes. */
  current?: CaseNoteVersion;
}
