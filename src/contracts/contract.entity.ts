import { Column, CreateDateColumn, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Programme } from '../programmes/programme.entity.js';

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
