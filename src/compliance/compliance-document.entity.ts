import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A compliance document of the organisation, a user or a programme, current or superseded
 * (compliance-document.repository.ts). Declared for the schema's sake (migrations own the table; SQL
 * lives in the repository).
 */
@Entity('compliance_documents')
export class ComplianceDocumentEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ name: 'subject_type', type: 'text' }) subjectType: string;
  @Column({ name: 'subject_id', type: 'uuid', nullable: true }) subjectId: string | null;
  @Column({ type: 'text', nullable: true }) reference: string | null;
  @Column({ name: 'issued_on', type: 'date' }) issuedOn: string;
  @Column({ name: 'expires_on', type: 'date', nullable: true }) expiresOn: string | null;
  @Column({ type: 'text', nullable: true }) notes: string | null;
  @Column({ name: 'superseded_by', type: 'uuid', nullable: true }) supersededBy: string | null;
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true }) supersededAt: Date | null;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
