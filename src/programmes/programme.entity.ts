import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A recurring offer (Arts Pioneers; a Holiday Club). */
@Entity('programmes')
export class Programme {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') venue: string;
  @Column({ name: 'min_age', type: 'integer' }) minAge: number;
  @Column({ name: 'max_age', type: 'integer' }) maxAge: number;
  @Column('integer') capacity: number;
  @Column({ name: 'group_ratio', type: 'integer' }) groupRatio: number;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
