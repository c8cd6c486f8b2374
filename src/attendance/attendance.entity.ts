import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A participant's attendance at one session: last write wins (attendance.repository.ts writes it).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('attendance')
export class Attendance {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' }) sessionId: string;
  @PrimaryColumn({ name: 'participant_id', type: 'uuid' }) participantId: string;
  @Column({ type: 'text' }) status: string;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
  @Column({ name: 'recorded_by', type: 'text' }) recordedBy: string;
}
