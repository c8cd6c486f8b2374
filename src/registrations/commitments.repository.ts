import { execute, rows } from '../database/database.repository.js';
import { bind, type Queryable, sql as statement } from '../database/sql.js';

/** Namespace of the settlement's advisory lock (any fixed number distinct from the others in use). */
const SETTLEMENT_LOCK = [74202, 1] as const;

export interface Settlement {
  /** Registrations whose commitment changed. */
  registrations: number;
  /** Money released back to budgets. */
  releasedPence: number;
  /** Money committed again (sessions changed after a direct payment's withdrawal, and the budget had it). */
  committedPence: number;
}

/*
 * Rule 12: at a term's end a place's commitment becomes exactly what it has been or will be billed
 * (place_billable_pence, the definition billing uses). Set-based, in the caller's transaction, under one
 * advisory lock (two settlements at once: the second waits, then finds nothing left to do), taking rows
 * in the lock order of migrations/1764320000000: participants (KEY SHARE), then their registrations,
 * then their budgets.
 */
export const CommitmentsRepository = {
  async settleEndedTerms(sql: Queryable, today: string): Promise<Settlement> {
    await execute(sql, statement`SELECT pg_advisory_xact_lock(${SETTLEMENT_LOCK[0]}, ${SETTLEMENT_LOCK[1]})`);
    const due = statement`FROM registrations r JOIN terms t ON t.id = r.term_id
                WHERE t.ends_on < ${bind(today)}::date AND r.registered_on IS NOT NULL
                  AND r.committed_pence <> place_billable_pence(r.billing, r.programme_id, r.term_id, r.registered_on,
                                                                r.withdrawal_effective_on, r.price_pence)`;
    // 3a
    await execute(sql, statement`SELECT p.id FROM participants p WHERE p.id IN (SELECT r.participant_id ${due}) ORDER BY p.id FOR KEY SHARE`);
    // 3b: each registration locked, its target read from the locked row
    const targets = await rows<{ id: string; budget_id: string; old: number; target: number }>(
      sql,
      statement`SELECT r.id, r.budget_id, r.committed_pence AS old,
                       place_billable_pence(r.billing, r.programme_id, r.term_id, r.registered_on, r.withdrawal_effective_on, r.price_pence) AS target
                  ${due}
                 ORDER BY r.id FOR NO KEY UPDATE OF r`,
    );
    if (targets.length === 0) return { registrations: 0, releasedPence: 0, committedPence: 0 };
    // 3c: the budgets, locked; a budget that cannot take what its places need committed again keeps them as they are
    const budgets = await rows<{ id: string; free: number }>(
      sql,
      statement`SELECT id, amount_pence - committed_pence AS free FROM personal_budgets
                 WHERE id = ANY(${[...new Set(targets.map((t) => t.budget_id))]}::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
    );
    const free = new Map(budgets.map((b) => [b.id, b.free]));
    const raise = new Map<string, number>();
    for (const t of targets) if (t.target > t.old) raise.set(t.budget_id, (raise.get(t.budget_id) ?? 0) + t.target - t.old);
    const settled = targets.filter((t) => t.target < t.old || (raise.get(t.budget_id) ?? 0) <= (free.get(t.budget_id) ?? 0));
    if (settled.length === 0) return { registrations: 0, releasedPence: 0, committedPence: 0 };
    await execute(
      sql,
      statement`WITH settled AS (
                  UPDATE registrations r SET committed_pence = x.target, updated_at = now()
                    FROM unnest(${settled.map((t) => t.id)}::uuid[], ${settled.map((t) => t.target)}::int[]) AS x(id, target) WHERE r.id = x.id
                  RETURNING r.id)
                SELECT count(*) FROM settled`,
    );
    const delta = new Map<string, number>();
    for (const t of settled) delta.set(t.budget_id, (delta.get(t.budget_id) ?? 0) + t.target - t.old);
    await execute(
      sql,
      statement`WITH moved AS (
                  UPDATE personal_budgets b SET committed_pence = b.committed_pence + x.delta, updated_at = now()
                    FROM unnest(${[...delta.keys()]}::uuid[], ${[...delta.values()]}::int[]) AS x(id, delta) WHERE b.id = x.id AND x.delta <> 0
                  RETURNING b.id)
                SELECT count(*) FROM moved`,
    );
    return {
      registrations: settled.length,
      releasedPence: settled.reduce((s, t) => s + Math.max(0, t.old - t.target), 0),
      committedPence: settled.reduce((s, t) => s + Math.max(0, t.target - t.old), 0),
    };
  },
};
