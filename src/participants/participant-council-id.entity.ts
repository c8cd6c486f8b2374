import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A council's own client id for a participant (participant-council-ids.repository.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('participant_council_ids')
export class ParticipantCouncilId {
  @PrimaryColumn({ name: 'participant_id', type: 'uuid' }) participantId: string;
  @PrimaryColumn({ name: 'commissioner_id', type: 'uuid' }) commissionerId: string;
  @Column({ name: 'council_id', type: 'text' }) councilId: string;
}
