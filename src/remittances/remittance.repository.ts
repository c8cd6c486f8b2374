import { one, rows } from '../database/database.repository.js';
import { type Queryable, raw, sql as statement } from '../database/sql.js';

/*
 * SQL over remittances. Their allocations are payments (src/billing/payments/payments.repository.ts); the
 * payments trigger keeps remittances.allocated_pence, whose CHECK refuses allocating more than the
 * remittance (migrations/1764410000000-PaymentsAndRemittances.ts).
 */

export interface Remittance {
  id: string;
  commissionerId: string;
  receivedOn: string;
  amountPence: number;
  reference: string;
  allocatedPence: number;
  createdAt: Date;
}

interface RemittanceRow {
  id: string;
  commissioner_id: string;
  received_on: string;
  amount_pence: number;
  reference: string;
  allocated_pence: number;
  created_at: Date;
}

const toRemittance = (r: RemittanceRow): Remittance => ({
  id: r.id,
  commissionerId: r.commissioner_id,
  receivedOn: r.received_on,
  amountPence: Number(r.amount_pence),
  reference: r.reference,
  allocatedPence: Number(r.allocated_pence),
  createdAt: r.created_at,
});

const COLUMNS = raw(`id, commissioner_id, received_on, amount_pence, reference, allocated_pence, created_at`);

export async function insertRemittance(
  sql: Queryable,
  r: { commissionerId: string; receivedOn: string; amountPence: number; reference: string; recordedBy: string | null },
): Promise<Remittance> {
  const row = await one<RemittanceRow>(
    sql,
    statement`INSERT INTO remittances (commissioner_id, received_on, amount_pence, reference, recorded_by)
              VALUES (${r.commissionerId}, ${r.receivedOn}, ${r.amountPence}, ${r.reference}, ${r.recordedBy}) RETURNING ${COLUMNS}`,
  );
  return toRemittance(row!);
}

/** The remittance, locked FOR UPDATE (first in the lock order, before its invoices); null when there is none. */
export async function lockRemittance(sql: Queryable, id: string): Promise<Remittance | null> {
  const row = await one<RemittanceRow>(sql, statement`SELECT ${COLUMNS} FROM remittances WHERE id = ${id} FOR UPDATE`);
  return row ? toRemittance(row) : null;
}

export async function findRemittance(sql: Queryable, id: string): Promise<Remittance | null> {
  const row = await one<RemittanceRow>(sql, statement`SELECT ${COLUMNS} FROM remittances WHERE id = ${id}`);
  return row ? toRemittance(row) : null;
}

/** A page of remittances in creation order (keyset on the UUIDv7 id), optionally of one commissioner. */
export async function listRemittances(sql: Queryable, q: { afterId: string | null; commissionerId: string | null; limit: number }): Promise<Remittance[]> {
  const found = await rows<RemittanceRow>(
    sql,
    statement`SELECT ${COLUMNS} FROM remittances
               WHERE (${q.afterId}::uuid IS NULL OR id > ${q.afterId}) AND (${q.commissionerId}::uuid IS NULL OR commissioner_id = ${q.commissionerId})
               ORDER BY id LIMIT ${q.limit}`,
  );
  return found.map(toRemittance);
}
