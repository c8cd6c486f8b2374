import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ArtsAwardLevel, OutcomeKind, OutcomeStatus } from './outcome-rules.js';

/**
 * An Arts Award level worked toward or achieved, or a progression, evidenced by the participant's case notes
 * (migration 1764460000002). Declared for the schema's sake and as the domain shape outcome.repository.ts
 * maps its rows to (migrations own the table; SQL lives in the repository).
 */
@Entity('outcomes')
export class Outcome {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'participant_id', type: 'uuid' }) participantId: string;
  @Column({ type: 'text' }) kind: OutcomeKind;
  @Column({ type: 'text', nullable: true }) level: ArtsAwardLevel | null;
  @Column({ type: 'text' }) status: OutcomeStatus;
  @Column({ name: 'achieved_on', type: 'date', nullable: true }) achievedOn: string | null;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ name: 'programme_id', type: 'uuid', nullable: true }) programmeId: string | null;
  @Column({ name: 'term_id', type: 'uuid', nullable: true }) termId: string | null;
  @Column({ name: 'evidence_note_ids', type: 'uuid', array: true }) evidenceNoteIds: string[];
  @Column({ name: 'recorded_on', type: 'date' }) recordedOn: string;
  @Column({ name: 'recorded_by_id', type: 'uuid', nullable: true }) recordedById: string | null;
  @Column({ name: 'recorded_by_name', type: 'text' }) recordedByName: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
