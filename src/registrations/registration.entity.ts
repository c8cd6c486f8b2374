import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VirtualColumn } from 'typeorm';

export const REGISTRATION_STATUSES = ['registered', 'waitlisted', 'withdrawn'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/**
 * A participant's place on a programme for a term, paid from one personal budget. It books the
 * participant onto every session of that programme in that term.
 */
@Entity('registrations')
export class Registration {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'participant_id', type: 'uuid' }) participantId: string;
  @Column({ name: 'programme_id', type: 'uuid' }) programmeId: string;
  @Column({ name: 'term_id', type: 'uuid' }) termId: string;
  @Column({ name: 'budget_id', type: 'uuid' }) budgetId: string;
  @Column({ name: 'contract_id', type: 'uuid' }) contractId: string;
  @Column('text') status: RegistrationStatus;
  @Column({ name: 'price_pence', type: 'integer' }) pricePence: number;
  @Column({ name: 'queue_seq', type: 'bigint', insert: false, update: false }) queueSeq: number;
  /** The London date the registration took a place (at creation, or when promoted from the waitlist). */
  @Column({ name: 'registered_on', type: 'date', nullable: true }) registeredOn: string | null;
  /** What this registration holds committed against its budget now: the price, or 0. */
  @Column({ name: 'committed_pence', type: 'integer' }) committedPence: number;
  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true }) withdrawnAt: Date | null;
  @Column({ name: 'withdrawal_effective_on', type: 'date', nullable: true }) withdrawalEffectiveOn: string | null;
  @Column({ name: 'withdrawal_reason', type: 'text', nullable: true }) withdrawalReason: string | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;

  /** 1..n among those waiting for the same programme-term, first come first served; null unless waitlisted.
   *  The database function waitlist_position (migrations/1764495000001-WaitlistPosition.ts) is the rule. */
  @VirtualColumn({ type: 'integer', query: (alias) => `SELECT waitlist_position(${alias}.id)` })
  waitlistPosition: number | null;
}
