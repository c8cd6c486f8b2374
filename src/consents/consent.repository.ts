import { Injectable } from '@nestjs/common';
import { one, rows } from '../database/database.repository.js';
import { bind, type Queryable, raw, sql } from '../database/sql.js';
import { CONSENT_PURPOSES, type ConsentPurpose, type CurrentConsents, noConsents } from './consent-purposes.js';

export interface Consent {
  id: string;
  participantId: string;
  purpose: ConsentPurpose;
  given: boolean;
  givenBy: string;
  recordedOn: string;
  expiresOn: string | null;
  recordedBy: string;
  createdAt: Date;
}

interface ConsentRow {
  id: string;
  participant_id: string;
  purpose: ConsentPurpose;
  given: boolean;
  given_by: string;
  recorded_on: string;
  expires_on: string | null;
  recorded_by: string;
  created_at: Date;
}

const toConsent = (r: ConsentRow): Consent => ({
  id: r.id,
  participantId: r.participant_id,
  purpose: r.purpose,
  given: r.given,
  givenBy: r.given_by,
  recordedOn: r.recorded_on,
  expiresOn: r.expires_on,
  recordedBy: r.recorded_by,
  createdAt: r.created_at,
});

const COLUMNS = raw('id, participant_id, purpose, given, given_by, recorded_on, expires_on, recorded_by, created_at');

/**
 * The SQL of consents. Which consent applies is the database function current_consent (migration
 * 1764440000002): the latest recorded on or before the date, unless it has expired by then.
 */
@Injectable()
export class ConsentRepository {
  /**
   * The participant FOR UPDATE (so an attendance write, which holds it FOR KEY SHARE, runs wholly
   * before or after this consent, and an erasure, which holds it FOR UPDATE, too); null when there is
   * no such participant.
   */
  async lockParticipant(db: Queryable, participantId: string): Promise<{ erased: boolean } | null> {
    const row = await one<{ erased: boolean }>(db, sql`SELECT erased_at IS NOT NULL AS erased FROM participants WHERE id = ${participantId} FOR UPDATE`);
    return row ?? null;
  }

  async participantExists(db: Queryable, participantId: string): Promise<boolean> {
    return (await one(db, sql`SELECT 1 FROM participants WHERE id = ${participantId}`)) !== undefined;
  }

  async insert(db: Queryable, c: Omit<Consent, 'id' | 'createdAt'>): Promise<Consent> {
    const row = await one<ConsentRow>(
      db,
      sql`INSERT INTO consents (participant_id, purpose, given, given_by, recorded_on, expires_on, recorded_by, created_at)
          VALUES (${c.participantId}, ${c.purpose}, ${c.given}, ${c.givenBy}, ${c.recordedOn}, ${c.expiresOn}, ${c.recordedBy}, clock_timestamp())
          RETURNING ${COLUMNS}`,
    );
    return toConsent(row!);
  }

  /** A participant's consents, oldest first (id order), keyset-paged. */
  async history(db: Queryable, participantId: string, page: { after?: string; limit: number }): Promise<Consent[]> {
    const after = bind(page.after ?? null);
    const found = await rows<ConsentRow>(
      db,
      sql`SELECT ${COLUMNS} FROM consents
           WHERE participant_id = ${participantId} AND (${after}::uuid IS NULL OR id > ${after})
           ORDER BY id LIMIT ${page.limit + 1}`,
    );
    return found.map(toConsent);
  }

  /** Every consent of a participant, oldest first (the subject access export). */
  async allOf(db: Queryable, participantId: string): Promise<Consent[]> {
    const found = await rows<ConsentRow>(db, sql`SELECT ${COLUMNS} FROM consents WHERE participant_id = ${participantId} ORDER BY id`);
    return found.map(toConsent);
  }

  /**
   * Each participant's photoConsent on a date: the current photography consent, false when none applies
   * (none recorded, refused, or expired). What the API shows as photoConsent; the stored
   * participants.photo_consent is only the last one recorded and says nothing of expiry.
   */
  async photoConsents(db: Queryable, participantIds: string[], on: string): Promise<Map<string, boolean>> {
    if (participantIds.length === 0) return new Map();
    const found = await rows<{ participant_id: string; given: boolean }>(
      db,
      sql`SELECT p AS participant_id, coalesce(current_consent(p, 'photography', ${on}::date), false) AS given
            FROM unnest(${participantIds}::uuid[]) AS p`,
    );
    return new Map(found.map((r) => [r.participant_id, r.given]));
  }

  /** Each participant's current consent per purpose on a date. */
  async currentFor(db: Queryable, participantIds: string[], on: string): Promise<Map<string, CurrentConsents>> {
    const result = new Map<string, CurrentConsents>(participantIds.map((id) => [id, noConsents()]));
    if (participantIds.length === 0) return result;
    const found = await rows<{ participant_id: string; purpose: ConsentPurpose; given: boolean | null }>(
      db,
      sql`SELECT p AS participant_id, k AS purpose, current_consent(p, k, ${on}::date) AS given
            FROM unnest(${participantIds}::uuid[]) AS p CROSS JOIN unnest(${CONSENT_PURPOSES}::text[]) AS k`,
    );
    for (const r of found) result.get(r.participant_id)![r.purpose] = r.given;
    return result;
  }
}
