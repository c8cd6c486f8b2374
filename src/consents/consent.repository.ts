import { Injectable } from '@nestjs/common';
import type { Sql } from '../database/sql.js';
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

const COLUMNS = `id, participant_id AS "participantId", purpose, given, given_by AS "givenBy", recorded_on::text AS "recordedOn",
  expires_on::text AS "expiresOn", recorded_by AS "recordedBy", created_at AS "createdAt"`;

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
  async lockParticipant(sql: Sql, participantId: string): Promise<{ erased: boolean } | null> {
    const [row] = await sql.query(`SELECT erased_at IS NOT NULL AS erased FROM participants WHERE id = $1 FOR UPDATE`, [participantId]);
    return row ?? null;
  }

  async participantExists(sql: Sql, participantId: string): Promise<boolean> {
    const rows = await sql.query(`SELECT 1 FROM participants WHERE id = $1`, [participantId]);
    return rows.length > 0;
  }

  async insert(sql: Sql, c: Omit<Consent, 'id' | 'createdAt'>): Promise<Consent> {
    const [row] = await sql.query(
      `INSERT INTO consents (participant_id, purpose, given, given_by, recorded_on, expires_on, recorded_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp()) RETURNING ${COLUMNS}`,
      [c.participantId, c.purpose, c.given, c.givenBy, c.recordedOn, c.expiresOn, c.recordedBy],
    );
    return row;
  }

  /** A participant's consents, oldest first (id order), keyset-paged. */
  async history(sql: Sql, participantId: string, page: { after?: string; limit: number }): Promise<Consent[]> {
    return sql.query(
      `SELECT ${COLUMNS} FROM consents WHERE participant_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [participantId, page.after ?? null, page.limit + 1],
    );
  }

  /** Every consent of a participant, oldest first (the subject access export). */
  async allOf(sql: Sql, participantId: string): Promise<Consent[]> {
    return sql.query(`SELECT ${COLUMNS} FROM consents WHERE participant_id = $1 ORDER BY id`, [participantId]);
  }

  /**
   * Each participant's photoConsent on a date: the current photography consent, false when none applies
   * (none recorded, refused, or expired). What the API shows as photoConsent; the stored
   * participants.photo_consent is only the last one recorded and says nothing of expiry.
   */
  async photoConsents(sql: Sql, participantIds: string[], on: string): Promise<Map<string, boolean>> {
    if (participantIds.length === 0) return new Map();
    const rows: Array<{ id: string; given: boolean }> = await sql.query(
      `SELECT p AS id, coalesce(current_consent(p, 'photography', $2::date), false) AS given FROM unnest($1::uuid[]) AS p`,
      [participantIds, on],
    );
    return new Map(rows.map((r) => [r.id, r.given]));
  }

  /** Each participant's current consent per purpose on a date. */
  async currentFor(sql: Sql, participantIds: string[], on: string): Promise<Map<string, CurrentConsents>> {
    const result = new Map<string, CurrentConsents>(participantIds.map((id) => [id, noConsents()]));
    if (participantIds.length === 0) return result;
    const rows: Array<{ participantId: string; purpose: ConsentPurpose; given: boolean | null }> = await sql.query(
      `SELECT p AS "participantId", k AS purpose, current_consent(p, k, $2::date) AS given
         FROM unnest($1::uuid[]) AS p CROSS JOIN unnest($3::text[]) AS k`,
      [participantIds, on, CONSENT_PURPOSES],
    );
    for (const r of rows) result.get(r.participantId)![r.purpose] = r.given;
    return result;
  }
}
