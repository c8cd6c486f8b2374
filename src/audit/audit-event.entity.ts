import { Column, Entity, PrimaryColumn } from 'typeorm';

export const AUDIT_ACTIONS = ['read', 'create', 'amend', 'export', 'erase'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_SUBJECT_TYPES = ['case_note', 'participant'] as const;
export type AuditSubjectType = (typeof AUDIT_SUBJECT_TYPES)[number];

export const ACTOR_KINDS = ['user', 'integration', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * Who read or changed special category data about a child, and when. Append-only: the database
 * refuses UPDATE and DELETE. Holds ids and staff names only, never a child's personal data.
 */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
  @Column({ name: 'actor_kind', type: 'text' }) actorKind: ActorKind;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ name: 'actor_name', type: 'text' }) actorName: string;
  @Column('text') action: AuditAction;
  @Column({ name: 'subject_type', type: 'text' }) subjectType: AuditSubjectType;
  @Column({ name: 'subject_id', type: 'uuid' }) subjectId: string;
  @Column({ name: 'participant_id', type: 'uuid', nullable: true }) participantId: string | null;
  @Column({ type: 'text', nullable: true }) detail: string | null;
  @Column({ name: 'request_id', type: 'text', nullable: true }) requestId: string | null;
}
