import type { SelectQueryBuilder } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { likePrefix } from '../common/query-params.js';
import { one } from '../database/database.repository.js';
import { type Queryable, bind, sql } from '../database/sql.js';
import type { CouncilId } from './participant-council-ids.repository.js';
import type { ParticipantQuery } from './dto/participant.dto.js';
import type { Participant } from './participant.entity.js';

/*
 * SQL over participants that other modules need: existence, and the key-share lock a case note is
 * written under (erasure's FOR UPDATE waits for it, so nothing is written beside or after an erasure).
 * GET /participants/:id reads and audits in one statement (readParticipantAudited). The participant's
 * other reads and changes go through the Participant entity (ParticipantsService), its
 * list through the query builder with filterParticipants below.
 */

export async function participantExists(db: Queryable, id: string): Promise<boolean> {
  return (await one(db, sql`SELECT 1 FROM participants WHERE id = ${id}`)) !== undefined;
}

/** A participant as GET /participants/:id shows it: the row, today's photography consent and the council ids. */
export type ParticipantShown = Participant & { councilIds: CouncilId[] };

/**
 * GET /participants/:id in one statement (issue 12): the participant with its current photography
 * consent (as ConsentRepository.photoConsents) and council ids (as ParticipantCouncilIdsRepository.of),
 * and — in the same statement, a data-modifying CTE — the audit events rule 9 asks of showing them:
 * 'medical-notes' when medical notes are shown and held, 'equality-monitoring' when any equality field
 * is shown and holds a value (hasEqualityData: an empty disability list holds none). `shown` is
 * mayReadMedicalNotes(actor). Undefined when there is no such participant (then nothing is audited).
 * Kept prepared (Statement.prepared): planning it cost about as much as running it.
 */
export async function readParticipantAudited(db: Queryable, id: string, actor: Actor, shown: boolean, today: string): Promise<ParticipantShown | undefined> {
  const { kind, id: actorId, name } = actor.principal;
  const withSpecial = bind(shown);
  const row = await one<ParticipantRow>(
    db,
    sql`WITH p AS (
          SELECT p.*, coalesce(current_consent(p.id, 'photography', ${today}::date), false) AS photo_consent_today,
                 coalesce((SELECT jsonb_agg(jsonb_build_object('commissionerId', c.commissioner_id, 'id', c.council_id) ORDER BY c.commissioner_id)
                             FROM participant_council_ids c WHERE c.participant_id = p.id), '[]'::jsonb) AS council_ids
            FROM participants p WHERE p.id = ${id}::uuid
        ), audit AS (
          INSERT INTO audit_events (actor_kind, actor_id, actor_name, request_id, action, subject_type, subject_id, participant_id, detail)
          SELECT ${kind}, ${actorId}::uuid, ${name}, ${actor.requestId}, 'read', 'participant', p.id, p.id, shown.detail
            FROM p CROSS JOIN LATERAL (VALUES
                   ('medical-notes', p.medical_notes IS NOT NULL),
                   ('equality-monitoring', p.gender IS NOT NULL OR p.ethnicity IS NOT NULL OR p.postcode_district IS NOT NULL
                                           OR coalesce(cardinality(p.disability_categories), 0) > 0)
                 ) AS shown(detail, held)
           WHERE ${withSpecial}::boolean AND shown.held
          RETURNING 1
        )
        SELECT id, first_name, last_name, date_of_birth, guardians, emergency_contacts, needs, medical_notes, photo_consent_today,
               gender, ethnicity, disability_categories, postcode_district, support_level, created_at, updated_at, erased_at, council_ids
          FROM p`.prepared('participant-read'),
  );
  return (
    row && {
      id: row.id,
      firstName: row.first_name,
      lastName: row.last_name,
      dateOfBirth: row.date_of_birth,
      guardians: row.guardians,
      emergencyContacts: row.emergency_contacts,
      needs: row.needs,
      medicalNotes: row.medical_notes,
      photoConsent: row.photo_consent_today,
      gender: row.gender,
      ethnicity: row.ethnicity,
      disabilityCategories: row.disability_categories,
      postcodeDistrict: row.postcode_district,
      supportLevel: row.support_level,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      erasedAt: row.erased_at,
      councilIds: row.council_ids,
    }
  );
}

interface ParticipantRow {
  id: string;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  guardians: Participant['guardians'];
  emergency_contacts: Participant['emergencyContacts'];
  needs: string | null;
  medical_notes: string | null;
  photo_consent_today: boolean;
  gender: string | null;
  ethnicity: string | null;
  disability_categories: string[] | null;
  postcode_district: string | null;
  support_level: Participant['supportLevel'];
  created_at: Date;
  updated_at: Date;
  erased_at: Date | null;
  council_ids: CouncilId[];
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
