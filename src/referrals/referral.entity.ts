import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ReferralSource, ReferralStatus } from './referral-rules.js';

/**
 * How a young person came to the provider and what was decided (migration 1764460000000). Declared for the
 * schema's sake and as the domain shape referral.repository.ts maps its rows to (migrations own the table;
 * SQL lives in the repository).
 */
@Entity('referrals')
export class Referral {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) source: ReferralSource;
  @Column({ name: 'commissioner_id', type: 'uuid', nullable: true }) commissionerId: string | null;
  @Column({ name: 'referred_on', type: 'date' }) referredOn: string;
  @Column({ name: 'programme_id', type: 'uuid', nullable: true }) programmeId: string | null;
  @Column({ name: 'participant_id', type: 'uuid', nullable: true }) participantId: string | null;
  @Column({ name: 'child_first_name', type: 'text', nullable: true }) childFirstName: string | null;
  @Column({ name: 'child_last_name', type: 'text', nullable: true }) childLastName: string | null;
  @Column({ type: 'text', nullable: true }) notes: string | null;
  @Column({ type: 'text' }) status: ReferralStatus;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @Column({ name: 'decided_by_kind', type: 'text', nullable: true }) decidedByKind: 'user' | 'integration' | null;
  @Column({ name: 'decided_by_id', type: 'uuid', nullable: true }) decidedById: string | null;
  @Column({ name: 'decided_by_name', type: 'text', nullable: true }) decidedByName: string | null;
  @Column({ name: 'created_by_id', type: 'uuid', nullable: true }) createdById: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
