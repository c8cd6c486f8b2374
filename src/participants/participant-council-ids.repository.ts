import type { Queryable } from '../database/sql.js';

/** A participant's client id at one council (its case-management number), quoted on that council's invoices. */
export interface CouncilId {
  commissionerId: string;
  id: string;
}

interface CouncilIdRow {
  participant_id: string;
  commissioner_id: string;
  council_id: string;
}

/** SQL of participant_council_ids (one id per participant and commissioner). */
export const ParticipantCouncilIdsRepository = {
  async of(sql: Queryable, participantIds: string[]): Promise<Map<string, CouncilId[]>> {
    const byParticipant = new Map<string, CouncilId[]>(participantIds.map((id) => [id, []]));
    if (participantIds.length === 0) return byParticipant;
    const rows: CouncilIdRow[] = await sql.query(
      `SELECT participant_id, commissioner_id, council_id FROM participant_council_ids
        WHERE participant_id = ANY($1::uuid[]) ORDER BY participant_id, commissioner_id`,
      [participantIds],
    );
    for (const r of rows) byParticipant.get(r.participant_id)?.push({ commissionerId: r.commissioner_id, id: r.council_id });
    return byParticipant;
  },

  /** The commissioners among `ids` that do not exist. */
  async unknownCommissioners(sql: Queryable, ids: string[]): Promise<string[]> {
    const found: Array<{ id: string }> = await sql.query(`SELECT id FROM commissioners WHERE id = ANY($1::uuid[])`, [ids]);
    return ids.filter((id) => !found.some((f) => f.id === id));
  },

  /** Replaces the participant's council ids by `ids` (in the caller's transaction, the participant locked). */
  async replace(sql: Queryable, participantId: string, ids: CouncilId[]): Promise<void> {
    await sql.query(`WITH gone AS (DELETE FROM participant_council_ids WHERE participant_id = $1 RETURNING 1) SELECT count(*) FROM gone`, [participantId]);
    if (ids.length === 0) return;
    await sql.query(
      `INSERT INTO participant_council_ids (participant_id, commissioner_id, council_id)
       SELECT $1, x.commissioner_id, x.council_id FROM jsonb_to_recordset($2::jsonb) AS x(commissioner_id uuid, council_id text)
       RETURNING participant_id`,
      [participantId, JSON.stringify(ids.map((c) => ({ commissioner_id: c.commissionerId, council_id: c.id })))],
    );
  },

  /** Erasure: the child's council ids go (issued documents keep their own snapshot). */
  async eraseOf(sql: Queryable, participantId: string): Promise<number> {
    const [row] = await sql.query(
      `WITH gone AS (DELETE FROM participant_council_ids WHERE participant_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [participantId],
    );
    return row.n;
  },
};
