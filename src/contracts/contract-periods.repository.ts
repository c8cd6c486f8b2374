import type { Queryable } from '../database/sql.js';

/** A stretch of a contract with its own price and purchase order (an extension adds one). */
export interface ContractPeriod {
  startsOn: string;
  endsOn: string;
  pricePerTermPence: number;
  poNumber: string | null;
}

interface PeriodRow {
  contract_id: string;
  starts_on: string;
  ends_on: string;
  price_per_term_pence: number;
  po_number: string | null;
}

const toPeriod = (r: PeriodRow): ContractPeriod => ({
  startsOn: r.starts_on,
  endsOn: r.ends_on,
  pricePerTermPence: r.price_per_term_pence,
  poNumber: r.po_number,
});

/** What uses a contract: the first days of the terms it priced (registrations or documents). */
export interface ContractUse {
  inUse: boolean;
  /** The latest first day of a term that a registration or a document of this contract belongs to. */
  latestTermStart: string | null;
  earliestTermStart: string | null;
  latestTermEnd: string | null;
}

/*
 * SQL of contract periods (the table contract_periods; every contract gets its first period from the
 * trigger contracts_first_period, whoever inserts it). Called inside the caller's transaction, with
 * the commissioner row locked (ContractsService changes one commissioner's contracts at a time).
 */
export const ContractPeriodsRepository = {
  async periodsOf(sql: Queryable, contractIds: string[]): Promise<Map<string, ContractPeriod[]>> {
    const rows: PeriodRow[] = await sql.query(
      `SELECT contract_id, starts_on, ends_on, price_per_term_pence, po_number
         FROM contract_periods WHERE contract_id = ANY($1::uuid[]) ORDER BY contract_id, starts_on`,
      [contractIds],
    );
    const byContract = new Map<string, ContractPeriod[]>(contractIds.map((id) => [id, []]));
    for (const row of rows) byContract.get(row.contract_id)?.push(toPeriod(row));
    return byContract;
  },

  /** Registrations (any status) and documents that use the contract, and the terms they belong to. */
  async useOf(sql: Queryable, contractId: string): Promise<ContractUse> {
    const [row] = await sql.query(
      `WITH used AS (
         SELECT term_id FROM registrations WHERE contract_id = $1
         UNION SELECT term_id FROM document_lines WHERE contract_id = $1)
       SELECT count(*) > 0 AS in_use, max(t.starts_on)::text AS latest_start, min(t.starts_on)::text AS earliest_start,
              max(t.ends_on)::text AS latest_end
         FROM used u JOIN terms t ON t.id = u.term_id`,
      [contractId],
    );
    return { inUse: row.in_use, latestTermStart: row.latest_start, earliestTermStart: row.earliest_start, latestTermEnd: row.latest_end };
  },

  /**
   * The contract's periods follow new dates: the first starts on startsOn, the last ends on endsOn
   * (periods that would fall outside them must not exist: the caller checks).
   */
  async followDates(sql: Queryable, contractId: string, startsOn: string, endsOn: string): Promise<void> {
    await sql.query(
      `WITH bounds AS (
         SELECT min(starts_on) AS first_start, max(starts_on) AS last_start FROM contract_periods WHERE contract_id = $1),
       moved AS (
         UPDATE contract_periods p
            SET starts_on = CASE WHEN p.starts_on = b.first_start THEN $2::date ELSE p.starts_on END,
                ends_on = CASE WHEN p.starts_on = b.last_start THEN $3::date ELSE p.ends_on END
           FROM bounds b
          WHERE p.contract_id = $1 AND (p.starts_on = b.first_start OR p.starts_on = b.last_start)
         RETURNING 1)
       SELECT count(*) AS moved FROM moved`,
      [contractId, startsOn, endsOn],
    );
  },

  /** The latest period takes a new price and PO (a contract no registration or document uses yet). */
  async repriceLatest(sql: Queryable, contractId: string, pricePerTermPence: number, poNumber: string | null): Promise<void> {
    await sql.query(
      `WITH latest AS (SELECT max(starts_on) AS starts_on FROM contract_periods WHERE contract_id = $1),
       changed AS (
         UPDATE contract_periods p SET price_per_term_pence = $2, po_number = $3
           FROM latest l WHERE p.contract_id = $1 AND p.starts_on = l.starts_on RETURNING 1)
       SELECT count(*) FROM changed`,
      [contractId, pricePerTermPence, poNumber],
    );
  },

  /**
   * An extension: the period in force on effectiveFrom ends the day before it, later periods go, and a
   * new period runs from effectiveFrom to endsOn with the given price and PO (by default those of the
   * period it continues). The contract row follows: its end, and its v1 price and PO = the latest period's.
   */
  async extend(
    sql: Queryable,
    contractId: string,
    e: { effectiveFrom: string; endsOn: string; pricePerTermPence?: number; poNumber?: string | null },
  ): Promise<void> {
    const [continued] = await sql.query(
      `SELECT price_per_term_pence, po_number FROM contract_periods
        WHERE contract_id = $1 AND starts_on <= $2::date - 1 ORDER BY starts_on DESC LIMIT 1`,
      [contractId, e.effectiveFrom],
    );
    const price = e.pricePerTermPence ?? continued.price_per_term_pence;
    const po = e.poNumber === undefined ? continued.po_number : e.poNumber;
    await sql.query(
      `WITH dropped AS (
         DELETE FROM contract_periods WHERE contract_id = $1 AND starts_on >= $2::date RETURNING 1),
       cut AS (
         UPDATE contract_periods SET ends_on = $2::date - 1
          WHERE contract_id = $1 AND starts_on < $2::date AND ends_on >= $2::date - 1 RETURNING 1)
       SELECT (SELECT count(*) FROM dropped) AS dropped, (SELECT count(*) FROM cut) AS cut`,
      [contractId, e.effectiveFrom],
    );
    await sql.query(
      `INSERT INTO contract_periods (contract_id, starts_on, ends_on, price_per_term_pence, po_number)
       VALUES ($1, $2, $3, $4, $5) RETURNING contract_id`,
      [contractId, e.effectiveFrom, e.endsOn, price, po],
    );
    await sql.query(
      `WITH changed AS (
         UPDATE contracts SET ends_on = $2, price_per_term_pence = $3, po_number = $4, updated_at = now() WHERE id = $1 RETURNING id)
       SELECT id FROM changed`,
      [contractId, e.endsOn, price, po],
    );
  },
};
