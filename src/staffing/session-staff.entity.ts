import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A support worker rostered on a session (session-staff.repository.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('session_staff')
export class SessionStaff {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' }) sessionId: string;
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'rostered_by', type: 'uuid' }) rosteredBy: string;
  @Column({ name: 'rostered_at', type: 'timestamptz' }) rosteredAt: Date;
}
