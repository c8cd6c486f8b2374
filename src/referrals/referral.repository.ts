import type { Sql } from '../database/sql.js';
import type { ReferralDecision, ReferralSource, ReferralStatus } from './referral-rules.js';

export interface ReferralRow {
  id: string;
  source: ReferralSource;
  commissioner_id: string | null;
  referred_on: string;
  programme_id: string | null;
  participant_id: string | null;
  child_first_name: string | null;
  child_last_name: string | null;
  notes: string | null;
  status: ReferralStatus;
  reason: string | null;
  decided_at: Date | null;
  decided_by_name: string | null;
  created_at: Date;
}

export interface NewReferral {
  source: ReferralSource;
  commissionerId: string | null;
  referredOn: string;
  programmeId: string | null;
  participantId: string | null;
  childFirstName: string | null;
  childLastName: string | null;
  notes: string | null;
  createdById: string;
}

export interface Decider {
  kind: 'user' | 'integration';
  id: string;
  name: string;
}

export interface ReferralFilter {
  status?: ReferralStatus;
  commissionerId?: string;
  programmeId?: string;
  participantId?: string;
  /** id > after (keyset paging) */
  after?: string;
  limit: number;
}

const COLUMNS = `id, source, commissioner_id, referred_on, programme_id, participant_id, child_first_name, child_last_name, notes,
  status, reason, decided_at, decided_by_name, created_at`;

/** SQL of referrals. */
export const ReferralRepository = {
  async insert(sql: Sql, r: NewReferral): Promise<ReferralRow> {
    const [row] = await sql.query(
      `INSERT INTO referrals (source, commissioner_id, referred_on, programme_id, participant_id, child_first_name, child_last_name, notes, created_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [r.source, r.commissionerId, r.referredOn, r.programmeId, r.participantId, r.childFirstName, r.childLastName, r.notes, r.createdById],
    );
    return row;
  },

  async find(sql: Sql, id: string): Promise<ReferralRow | null> {
    const [row] = await sql.query(`SELECT ${COLUMNS} FROM referrals WHERE id = $1`, [id]);
    return row ?? null;
  },

  /**
   * Decides a referral that is still `received` (the conditional UPDATE is the guard: of two racing
   * decisions one finds no row). `participantId` null keeps the referral's own. Null when the referral is
   * not `received` (or does not exist).
   */
  async decide(sql: Sql, id: string, status: ReferralDecision, reason: string | null, participantId: string | null, by: Decider): Promise<ReferralRow | null> {
    const [rows] = await sql.query(
      `UPDATE referrals
          SET status = $2, reason = $3, participant_id = coalesce($4, participant_id), decided_at = now(),
              decided_by_kind = $5, decided_by_id = $6, decided_by_name = $7
        WHERE id = $1 AND status = 'received'
        RETURNING ${COLUMNS}`,
      [id, status, reason, participantId, by.kind, by.id, by.name],
    );
    return rows[0] ?? null; // an UPDATE answers [rows, count]
  },

  async list(sql: Sql, f: ReferralFilter): Promise<ReferralRow[]> {
    return sql.query(
      `SELECT ${COLUMNS} FROM referrals
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::uuid IS NULL OR commissioner_id = $2)
          AND ($3::uuid IS NULL OR programme_id = $3)
          AND ($4::uuid IS NULL OR participant_id = $4)
          AND ($5::uuid IS NULL OR id > $5)
        ORDER BY id LIMIT $6`,
      [f.status ?? null, f.commissionerId ?? null, f.programmeId ?? null, f.participantId ?? null, f.after ?? null, f.limit],
    );
  },

  /** Which of the named records exist (null ids are not looked up). */
  async existing(sql: Sql, ids: { commissionerId?: string | null; programmeId?: string | null; participantId?: string | null }) {
    const [row] = await sql.query(
      `SELECT ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM commissioners WHERE id = $1)) AS commissioner,
              ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM programmes WHERE id = $2)) AS programme,
              ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM participants WHERE id = $3)) AS participant`,
      [ids.commissionerId ?? null, ids.programmeId ?? null, ids.participantId ?? null],
    );
    return row as { commissioner: boolean; programme: boolean; participant: boolean };
  },
};
