import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A consent given or refused for one purpose (consent.repository.ts; which applies: current_consent).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('consents')
export class ConsentEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'participant_id', type: 'uuid' }) participantId: string;
  @Column({ type: 'text' }) purpose: string;
  @Column({ type: 'boolean' }) given: boolean;
  @Column({ name: 'given_by', type: 'text' }) givenBy: string;
  @Column({ name: 'recorded_on', type: 'date' }) recordedOn: string;
  @Column({ name: 'expires_on', type: 'date', nullable: true }) expiresOn: string | null;
  @Column({ name: 'recorded_by', type: 'text' }) recordedBy: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
