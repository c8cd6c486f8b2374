import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VirtualColumn } from 'typeorm';

/** One dated meeting of a programme. `booked` counts the registered participants of its programme-term. */
@Entity('sessions')
export class Session {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'programme_id', type: 'uuid' }) programmeId: string;
  @Column({ name: 'term_id', type: 'uuid' }) termId: string;
  @Column({ type: 'date' }) date: string;
  @Column({ name: 'start_time', type: 'time' }) startTime: string;
  @Column({ name: 'end_time', type: 'time' }) endTime: string;
  @Column('text') venue: string;
  @Column('integer') capacity: number;
  @Column('integer') booked: number;
  @Column('text') status: 'scheduled' | 'cancelled';
  @Column({ name: 'off_site', type: 'boolean' }) offSite: boolean;
  @Column({ name: 'replaces_session_id', type: 'uuid', nullable: true }) replacesSessionId: string | null;
  @Column({ name: 'cancellation_reason', type: 'text', nullable: true }) cancellationReason: string | null;
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;

  /** The places of the session's programme-term: min(programme capacity, capacity of each of its sessions). */
  @VirtualColumn({
    type: 'integer',
    query: (alias) =>
      `SELECT pt.places FROM programme_terms pt WHERE pt.programme_id = ${alias}.programme_id AND pt.term_id = ${alias}.term_id`,
  })
  places: number | null;
}
