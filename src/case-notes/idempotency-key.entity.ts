import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An Idempotency-Key taken by a caller, with the response stored under it (rule 8, idempotency-key.repository.ts).
 * Declared for the schema's sake (migrations own the table; SQL lives in the repository).
 */
@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'principal_kind', type: 'text' }) principalKind: string;
  @PrimaryColumn({ name: 'principal_id', type: 'uuid' }) principalId: string;
  @PrimaryColumn({ type: 'text' }) key: string;
  @Column({ name: 'request_hash', type: 'character' }) requestHash: string;
  @Column({ name: 'response_status', type: 'integer', nullable: true }) responseStatus: number | null;
  @Column({ name: 'response_body', type: 'jsonb', nullable: true }) responseBody: unknown | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
