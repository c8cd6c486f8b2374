import { execute, rows as rowsOf } from '../database/database.repository.js';
import { type Queryable, sql as statement } from '../database/sql.js';

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
    const rows = await rowsOf<CouncilIdRow>(
      sql,
      statement`SELECT participant_id, commissioner_id, council_id FROM participant_council_ids
                 WHERE participant_id = ANY(${participantIds}::uuid[]) ORDER BY participant_id, commissioner_id`,
    );
    for (const r of rows) byParticipant.get(r.participant_id)?.push({ commissionerId: r.commissioner_id, id: r.council_id });
    return byParticipant;
  },

  /** The commissioners among `ids` that do not exist. */
  async unknownCommissioners(sql: Queryable, ids: string[]): Promise<string[]> {
    const found = await rowsOf<{ id: string }>(sql, statement`SELECT id FROM commissioners WHERE id = ANY(${ids}::uuid[])`);
    return ids.filter((id) => !found.some((f) => f.id === id));
  },

  /** Replaces the participant's council ids by `ids` (in the caller's transaction, the participant locked). */
  async replace(sql: Queryable, participantId: string, ids: CouncilId[]): Promise<void> {
    await execute(sql, statement`WITH gone AS (DELETE FROM participant_council_ids WHERE participant_id = ${participantId} RETURNING 1) SELECT count(*) FROM gone`);
    if (ids.length === 0) return;
    const records = JSON.stringify(ids.map((c) => ({ commissioner_id: c.commissionerId, council_id: c.id })));
    await execute(
      sql,
      statement`INSERT INTO participant_council_ids (participant_id, commissioner_id, council_id)
                SELECT ${participantId}, x.commissioner_id, x.council_id FROM jsonb_to_recordset(${records}::jsonb) AS x(commissioner_id uuid, council_id text)
                RETURNING participant_id`,
    );
  },

  /** Erasure: the child's council ids go (issued documents keep their own snapshot). */
  async eraseOf(sql: Queryable, participantId: string): Promise<number> {
    const gone = await rowsOf<{ n: number }>(
      sql,
      statement`WITH gone AS (DELETE FROM participant_council_ids WHERE participant_id = ${participantId} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    );
    return gone[0].n;
  },
};
