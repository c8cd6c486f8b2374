import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A programme's places in a term and how many are taken (rule 1; capacity.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('programme_terms')
export class ProgrammeTerm {
  @PrimaryColumn({ name: 'programme_id', type: 'uuid' }) programmeId: string;
  @PrimaryColumn({ name: 'term_id', type: 'uuid' }) termId: string;
  @Column({ type: 'integer' }) places: number;
  @Column({ type: 'integer' }) registered: number;
}
