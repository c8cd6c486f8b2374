import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const BUDGET_TYPES = ['managed', 'direct_payment'] as const;
export type BudgetType = (typeof BUDGET_TYPES)[number];

/**
 * Money a commissioner allocated to a participant. A managed budget is held by the council (the
 * provider invoices the council); a direct payment is held by the family (the provider invoices the
 * holder). `committedPence` is what registrations have committed; CHECK keeps it within the amount.
 */
@Entity('personal_budgets')
export class PersonalBudget {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'participant_id', type: 'uuid' }) participantId: string;
  @Column({ name: 'commissioner_id', type: 'uuid' }) commissionerId: string;
  @Column('text') type: BudgetType;
  @Column('text') reference: string;
  @Column({ name: 'amount_pence', type: 'integer' }) amountPence: number;
  @Column({ name: 'committed_pence', type: 'integer' }) committedPence: number;
  @Column({ name: 'valid_from', type: 'date' }) validFrom: string;
  @Column({ name: 'valid_to', type: 'date' }) validTo: string;
  @Column({ name: 'holder_name', type: 'text', nullable: true }) holderName: string | null;
  @Column({ name: 'holder_email', type: 'text', nullable: true }) holderEmail: string | null;
  /** A direct-payment holder's postal address: { lines, postcode }. */
  @Column({ name: 'holder_address', type: 'jsonb', nullable: true }) holderAddress: { lines: string[]; postcode: string } | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
