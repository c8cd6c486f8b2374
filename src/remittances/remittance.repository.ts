import type { Queryable } from '../database/sql.js';

/*
 * SQL over remittances. Their allocations are payments (src/billing/payments.repository.ts); the
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

const COLUMNS = `id, commissioner_id, received_on, amount_pence, reference, allocated_pence, created_at`;

export async function commissionerExists(sql: Queryable, commissionerId: string): Promise<boolean> {
  const rows = await sql.query(`SELECT 1 FROM commissioners WHERE id = $1`, [commissionerId]);
  return rows.length > 0;
}

export async function insertRemittance(
  sql: Queryable,
  r: { commissionerId: string; receivedOn: string; amountPence: number; reference: string; recordedBy: string | null },
): Promise<Remittance> {
  const [row]: RemittanceRow[] = await sql.query(
    `INSERT INTO remittances (commissioner_id, received_on, amount_pence, reference, recorded_by)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [r.commissionerId, r.receivedOn, r.amountPence, r.reference, r.recordedBy],
  );
  return toRemittance(row);
}

/** The remittance, locked FOR UPDATE (first in the lock order, before its invoices); null when there is none. */
export async function lockRemittance(sql: Queryable, id: string): Promise<Remittance | null> {
  const [row]: RemittanceRow[] = await sql.query(`SELECT ${COLUMNS} FROM remittances WHERE id = $1 FOR UPDATE`, [id]);
  return row ? toRemittance(row) : null;
}

export async function findRemittance(sql: Queryable, id: string): Promise<Remittance | null> {
  const [row]: RemittanceRow[] = await sql.query(`SELECT ${COLUMNS} FROM remittances WHERE id = $1`, [id]);
  return row ? toRemittance(row) : null;
}

/** A page of remittances in creation order (keyset on the UUIDv7 id), optionally of one commissioner. */
export async function listRemittances(sql: Queryable, q: { afterId: string | null; commissionerId: string | null; limit: number }): Promise<Remittance[]> {
  const rows: RemittanceRow[] = await sql.query(
    `SELECT ${COLUMNS} FROM remittances
      WHERE ($1::uuid IS NULL OR id > $1) AND ($2::uuid IS NULL OR commissioner_id = $2)
      ORDER BY id LIMIT $3`,
    [q.afterId, q.commissionerId, q.limit],
  );
  return rows.map(toRemittance);
}
