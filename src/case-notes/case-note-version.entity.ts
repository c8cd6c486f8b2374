import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AuthorKind } from './case-note.entity.js';

/** One version of a case note's body: the first as written, each later one an amendment with a reason. */
@Entity('case_note_versions')
export class CaseNoteVersion {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_note_id', type: 'uuid' }) caseNoteId: string;
  @Column('integer') version: number;
  @Column('text') body: string;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'author_kind', type: 'text' }) authorKind: AuthorKind;
  @Column({ name: 'author_id', type: 'uuid' }) authorId: string;
  @Column({ name: 'author_name', type: 'text' }) authorName: string;
  @Column({ name: 'reported_author_name', type: 'text', nullable: true }) reportedAuthorName: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
