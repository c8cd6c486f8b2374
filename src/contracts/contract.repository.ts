import { one } from '../database/database.repository.js';
import { type Queryable, sql } from '../database/sql.js';

/*
 * SQL over contracts beside the Contract entity (ContractsService) and their periods
 * (contract-periods.repository.ts).
 */

/**
 * The reference of another contract of the commissioner that covers one of the programmes on dates
 * overlapping `c`'s, if any (`excludeId`: the contract being changed).
 */
export async function overlappingContract(
  db: Queryable,
  c: { commissionerId: string; startsOn: string; endsOn: string; programmeIds: readonly string[] },
  excludeId?: string,
): Promise<{ reference: string } | undefined> {
  return one<{ reference: string }>(
    db,
    sql`SELECT c.reference FROM contracts c JOIN contract_programmes cp ON cp.contract_id = c.id
         WHERE c.commissioner_id = ${c.commissionerId} AND c.id IS DISTINCT FROM ${excludeId ?? null}::uuid
           AND cp.programme_id = ANY(${c.programmeIds}::uuid[])
           AND daterange(c.starts_on, c.ends_on, '[]') && daterange(${c.startsOn}::date, ${c.endsOn}::date, '[]')
         LIMIT 1`,
  );
}
