import { Column, CreateDateColumn, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Programme } from '../programmes/programme.entity.js';

export const VAT_TREATMENTS = ['exempt', 'standard', 'zero', 'outside_scope'] as const;
export type VatTreatment = (typeof VAT_TREATMENTS)[number];
export const LATE_JOINERS = ['pro_rata', 'not_billed'] as const;
export type LateJoiners = (typeof LATE_JOINERS)[number];
export const CANCELLED_SESSIONS = ['make_up', 'credit'] as const;
export type CancelledSessions = (typeof CANCELLED_SESSIONS)[number];

/**
 * VAT treatment when none is given: standard when a rate is given, else exempt (a charity's welfare
 * services: VATA 1994 Schedule 9 Group 7). Only `standard` may carry a rate.
 */
export function defaultVatTreatment(vatRateBasisPoints: number): VatTreatment {
  return vatRateBasisPoints > 0 ? 'standard' : 'exempt';
}

/** Won by tender with one commissioner: the price per participant per term for the programmes it covers. */
@Entity('contracts')
export class Contract {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'commissioner_id', type: 'uuid' }) commissionerId: string;
  @Column('text') reference: string;
  @Column({ name: 'starts_on', type: 'date' }) startsOn: string;
  @Column({ name: 'ends_on', type: 'date' }) endsOn: string;
  @Column({ name: 'price_per_term_pence', type: 'integer' }) pricePerTermPence: number;
  @Column({ name: 'min_participants', type: 'integer', nullable: true }) minParticipants: number | null;
  @Column({ name: 'po_number', type: 'text', nullable: true }) poNumber: string | null;
  @Column({ name: 'vat_rate_basis_points', type: 'integer' }) vatRateBasisPoints: number;
  @Column({ name: 'vat_treatment', type: 'text' }) vatTreatment: VatTreatment;
  @Column({ name: 'late_joiners', type: 'text' }) lateJoiners: LateJoiners;
  @Column({ name: 'cancelled_sessions', type: 'text' }) cancelledSessions: CancelledSessions;
  @Column({ name: 'nominal_code', type: 'text', nullable: true }) nominalCode: string | null;
  @Column({ name: 'department_code', type: 'text', nullable: true }) departmentCode: string | null;
  @ManyToMany(() => Programme)
  @JoinTable({
    name: 'contract_programmes',
    joinColumn: { name: 'contract_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'programme_id', referencedColumnName: 'id' },
  })
  programmes: Programme[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
