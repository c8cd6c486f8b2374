import { one, rows } from '../database/database.repository.js';
import { bind, type Queryable, sql } from '../database/sql.js';
import type { ReferralDecision, ReferralSource, ReferralStatus } from './referral-rules.js';
import type { Referral } from './referral.entity.js';

/*
 * The SQL of referrals: intake, the one decision (a conditional UPDATE from `received`), the list by status
 * with keyset paging, and the existence checks of what a referral names.
 */

interface ReferralRow {
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
  decided_by_kind: 'user' | 'integration' | null;
  decided_by_id: string | null;
  decided_by_name: string | null;
  created_by_id: string | null;
  created_at: Date;
}

const toReferral = (r: ReferralRow): Referral => ({
  id: r.id,
  source: r.source,
  commissionerId: r.commissioner_id,
  referredOn: r.referred_on,
  programmeId: r.programme_id,
  participantId: r.participant_id,
  childFirstName: r.child_first_name,
  childLastName: r.child_last_name,
  notes: r.notes,
  status: r.status,
  reason: r.reason,
  decidedAt: r.decided_at,
  decidedByKind: r.decided_by_kind,
  decidedById: r.decided_by_id,
  decidedByName: r.decided_by_name,
  createdById: r.created_by_id,
  createdAt: r.created_at,
});

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

const COLUMNS = sql`id, source, commissioner_id, referred_on, programme_id, participant_id, child_first_name, child_last_name, notes,
  status, reason, decided_at, decided_by_kind, decided_by_id, decided_by_name, created_by_id, created_at`;

/** SQL of referrals. */
export const ReferralRepository = {
  async insert(db: Queryable, r: NewReferral): Promise<Referral> {
    const row = await one<ReferralRow>(
      db,
      sql`INSERT INTO referrals (source, commissioner_id, referred_on, programme_id, participant_id, child_first_name, child_last_name, notes, created_by_id)
          VALUES (${r.source}, ${r.commissionerId}, ${r.referredOn}, ${r.programmeId}, ${r.participantId}, ${r.childFirstName},
                  ${r.childLastName}, ${r.notes}, ${r.createdById})
          RETURNING ${COLUMNS}`,
    );
    return toReferral(row!);
  },

  async find(db: Queryable, id: string): Promise<Referral | undefined> {
    const row = await one<ReferralRow>(db, sql`SELECT ${COLUMNS} FROM referrals WHERE id = ${id}`);
    return row && toReferral(row);
  },

  /**
   * Decides a referral that is still `received` (the conditional UPDATE is the guard: of two racing
   * decisions one finds no row). `participantId` null keeps the referral's own. Undefined when the referral
   * is not `received` (or does not exist).
   */
  async decide(
    db: Queryable,
    id: string,
    status: ReferralDecision,
    reason: string | null,
    participantId: string | null,
    by: Decider,
  ): Promise<Referral | undefined> {
    const row = await one<ReferralRow>(
      db,
      sql`UPDATE referrals
             SET status = ${status}, reason = ${reason}, participant_id = coalesce(${participantId}::uuid, participant_id), decided_at = now(),
                 decided_by_kind = ${by.kind}, decided_by_id = ${by.id}, decided_by_name = ${by.name}
           WHERE id = ${id} AND status = 'received'
       RETURNING ${COLUMNS}`,
    );
    return row && toReferral(row);
  },

  async list(db: Queryable, f: ReferralFilter): Promise<Referral[]> {
    const [status, commissionerId, programmeId, participantId, after] = [f.status, f.commissionerId, f.programmeId, f.participantId, f.after].map((v) =>
      bind(v ?? null),
    );
    const found = await rows<ReferralRow>(
      db,
      sql`SELECT ${COLUMNS} FROM referrals
           WHERE (${status}::text IS NULL OR status = ${status})
             AND (${commissionerId}::uuid IS NULL OR commissioner_id = ${commissionerId})
             AND (${programmeId}::uuid IS NULL OR programme_id = ${programmeId})
             AND (${participantId}::uuid IS NULL OR participant_id = ${participantId})
             AND (${after}::uuid IS NULL OR id > ${after})
           ORDER BY id LIMIT ${f.limit}`,
    );
    return found.map(toReferral);
  },

  /** Which of the named records exist (null ids are not looked up). */
  async existing(
    db: Queryable,
    ids: { commissionerId?: string | null; programmeId?: string | null; participantId?: string | null },
  ): Promise<{ commissioner: boolean; programme: boolean; participant: boolean }> {
    const commissionerId = bind(ids.commissionerId ?? null);
    const programmeId = bind(ids.programmeId ?? null);
    const participantId = bind(ids.participantId ?? null);
    const row = await one<{ commissioner: boolean; programme: boolean; participant: boolean }>(
      db,
      sql`SELECT (${commissionerId}::uuid IS NULL OR EXISTS (SELECT 1 FROM commissioners WHERE id = ${commissionerId})) AS commissioner,
                 (${programmeId}::uuid IS NULL OR EXISTS (SELECT 1 FROM programmes WHERE id = ${programmeId})) AS programme,
                 (${participantId}::uuid IS NULL OR EXISTS (SELECT 1 FROM participants WHERE id = ${participantId})) AS participant`,
    );
    return row!;
  },
};
