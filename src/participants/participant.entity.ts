import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface Guardian {
  name: string;
  relationship: string;
  phone?: string;
  email?: string;
}

export interface EmergencyContact {
  name: string;
  relationship?: string;
  phone?: string;
  email?: string;
}

/** The young person. Special category data about a child: medical notes are shown only to roles that may read them. */
@Entity('participants')
export class Participant {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'first_name', type: 'text' }) firstName: string;
  @Column({ name: 'last_name', type: 'text' }) lastName: string;
  @Column({ name: 'date_of_birth', type: 'date' }) dateOfBirth: string;
  @Column({ type: 'jsonb' }) guardians: Guardian[];
  @Column({ name: 'emergency_contacts', type: 'jsonb' }) emergencyContacts: EmergencyContact[];
  @Column({ type: 'text', nullable: true }) needs: string | null;
  @Column({ name: 'medical_notes', type: 'text', nullable: true }) medicalNotes: string | null;
  @Column({ name: 'photo_consent', type: 'boolean' }) photoConsent: boolean;
  // equality monitoring (src/participants/equality-monitoring.ts): shown and audited like medical notes
  @Column({ type: 'text', nullable: true }) gender: string | null;
  @Column({ type: 'text', nullable: true }) ethnicity: string | null;
  @Column({ name: 'disability_categories', type: 'text', array: true, nullable: true }) disabilityCategories: string[] | null;
  @Column({ name: 'postcode_district', type: 'text', nullable: true }) postcodeDistrict: string | null;
  @Column({ name: 'support_level', type: 'text' }) supportLevel: 'group' | 'one_to_one' | 'two_to_one';
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true }) erasedAt: Date | null;
}
