import type { SelectQueryBuilder } from 'typeorm';
import { likePrefix } from '../common/query-params.js';
import { one } from '../database/database.repository.js';
import { type Queryable, sql } from '../database/sql.js';
import type { ParticipantQuery } from './dto/participant.dto.js';
import type { Participant } from './participant.entity.js';

/*
 * SQL over participants that other modules need: existence, and the key-share lock a case note is
 * written under (erasure's FOR UPDATE waits for it, so nothing is written beside or after an erasure).
 * The participant's own reads and changes go through the Participant entity (ParticipantsService), its
 * list through the query builder with filterParticipants below.
 */

export async function participantExists(db: Queryable, id: string): Promise<boolean> {
  return (await one(db, sql`SELECT 1 FROM participants WHERE id = ${id}`)) !== undefined;
}

/**
 * Key-share locks the participant, as every writer of a participant's rows does (a note, a budget);
 * whether they are erased, or undefined when there is no such participant.
 */
export async function keyShareLockParticipant(db: Queryable, id: string): Promise<{ erased: boolean } | undefined> {
  const row = await one<{ erased_at: Date | null }>(db, sql`SELECT erased_at FROM participants WHERE id = ${id} FOR KEY SHARE`);
  return row && { erased: row.erased_at !== null };
}

/**
 * The filters of GET /participants. `q` is a case-insensitive prefix of "first last" (so of the first
 * name too) or of the last name, served by the indexes participants_full_name_prefix and
 * participants_last_name_prefix (migration 1764430000000: the expressions must stay the same). The
 * registration filters ask for one registration matching all of those given.
 */
export function filterParticipants(qb: SelectQueryBuilder<Participant>, query: ParticipantQuery): SelectQueryBuilder<Participant> {
  if (query.q) {
    qb.andWhere(
      `(lower(participant.first_name || ' ' || participant.last_name) LIKE lower(:namePrefix) OR lower(participant.last_name) LIKE lower(:namePrefix))`,
      { namePrefix: likePrefix(query.q) },
    );
  }
  const registration = [
    query.programmeId && 'r.programme_id = :programmeId',
    query.termId && 'r.term_id = :termId',
    query.registrationStatus && 'r.status = :registrationStatus',
  ].filter(Boolean);
  if (registration.length) {
    qb.andWhere(`EXISTS (SELECT 1 FROM registrations r WHERE r.participant_id = participant.id AND ${registration.join(' AND ')})`, {
      programmeId: query.programmeId,
      termId: query.termId,
      registrationStatus: query.registrationStatus,
    });
  }
  return qb;
}
