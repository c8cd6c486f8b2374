import { returning, type Sql } from '../database/sql.js';

/**
 * Rule 3's money: registering commits the termly price against the budget. The conditional update is
 * the guard (two registrations drawing on one budget at once cannot both pass it); the CHECK
 * personal_budgets_committed_within_amount is the backstop. Returns false when the money is not there.
 */
export async function commitPrice(em: Sql, budgetId: string, pricePence: number): Promise<boolean> {
  const rows = await returning(
    em,
    `UPDATE personal_budgets SET committed_pence = committed_pence + $2, updated_at = now()
      WHERE id = $1 AND amount_pence - committed_pence >= $2
      RETURNING id`,
    [budgetId, pricePence],
  );
  return rows.length === 1;
}

/** Gives committed money back to the budget (a withdrawal effective on or before the census). */
export async function releasePrice(em: Sql, budgetId: string, pricePence: number): Promise<void> {
  await em.query(`UPDATE personal_budgets SET committed_pence = committed_pence - $2, updated_at = now() WHERE id = $1`, [
    budgetId,
    pricePence,
  ]);
}

export async function remainingPence(em: Sql, budgetId: string): Promise<number> {
  const [row] = await em.query(`SELECT amount_pence - committed_pence AS remaining FROM personal_budgets WHERE id = $1`, [budgetId]);
  return row?.remaining ?? 0;
}
