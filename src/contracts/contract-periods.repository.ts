import { execute, one, rows as rowsOf } from '../database/database.repository.js';
import { bind, type Queryable, sql as statement } from '../database/sql.js';

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
    const rows = await rowsOf<PeriodRow>(
      sql,
      statement`SELECT contract_id, starts_on, ends_on, price_per_term_pence, po_number
                  FROM contract_periods WHERE contract_id = ANY(${contractIds}::uuid[]) ORDER BY contract_id, starts_on`,
    );
    const byContract = new Map<string, ContractPeriod[]>(contractIds.map((id) => [id, []]));
    for (const row of rows) byContract.get(row.contract_id)?.push(toPeriod(row));
    return byContract;
  },

  /** Registrations (any status) and documents that use the contract, and the terms they belong to. */
  async useOf(sql: Queryable, contractId: string): Promise<ContractUse> {
    const contract = bind(contractId);
    const row = (await one<{ in_use: boolean; latest_start: string | null; earliest_start: string | null; latest_end: string | null }>(
      sql,
      statement`WITH used AS (
                  SELECT term_id FROM registrations WHERE contract_id = ${contract}
                  UNION SELECT term_id FROM document_lines WHERE contract_id = ${contract})
                SELECT count(*) > 0 AS in_use, max(t.starts_on)::text AS latest_start, min(t.starts_on)::text AS earliest_start,
                       max(t.ends_on)::text AS latest_end
                  FROM used u JOIN terms t ON t.id = u.term_id`,
    ))!;
    return { inUse: row.in_use, latestTermStart: row.latest_start, earliestTermStart: row.earliest_start, latestTermEnd: row.latest_end };
  },

  /**
   * The contract's periods follow new dates: the first starts on startsOn, the last ends on endsOn
   * (periods that would fall outside them must not exist: the caller checks).
   */
  async followDates(sql: Queryable, contractId: string, startsOn: string, endsOn: string): Promise<void> {
    const contract = bind(contractId);
    await execute(
      sql,
      statement`WITH bounds AS (
                  SELECT min(starts_on) AS first_start, max(starts_on) AS last_start FROM contract_periods WHERE contract_id = ${contract}),
                moved AS (
                  UPDATE contract_periods p
                     SET starts_on = CASE WHEN p.starts_on = b.first_start THEN ${startsOn}::date ELSE p.starts_on END,
                         ends_on = CASE WHEN p.starts_on = b.last_start THEN ${endsOn}::date ELSE p.ends_on END
                    FROM bounds b
                   WHERE p.contract_id = ${contract} AND (p.starts_on = b.first_start OR p.starts_on = b.last_start)
                  RETURNING 1)
                SELECT count(*) AS moved FROM moved`,
    );
  },

  /** The latest period takes a new price and PO (a contract no registration or document uses yet). */
  async repriceLatest(sql: Queryable, contractId: string, pricePerTermPence: number, poNumber: string | null): Promise<void> {
    const contract = bind(contractId);
    await execute(
      sql,
      statement`WITH latest AS (SELECT max(starts_on) AS starts_on FROM contract_periods WHERE contract_id = ${contract}),
                changed AS (
                  UPDATE contract_periods p SET price_per_term_pence = ${pricePerTermPence}, po_number = ${poNumber}
                    FROM latest l WHERE p.contract_id = ${contract} AND p.starts_on = l.starts_on RETURNING 1)
                SELECT count(*) FROM changed`,
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
    const contract = bind(contractId);
    const from = bind(e.effectiveFrom);
    const continued = (await one<{ price_per_term_pence: number; po_number: string | null }>(
      sql,
      statement`SELECT price_per_term_pence, po_number FROM contract_periods
                 WHERE contract_id = ${contract} AND starts_on <= ${from}::date - 1 ORDER BY starts_on DESC LIMIT 1`,
    ))!;
    const price = e.pricePerTermPence ?? continued.price_per_term_pence;
    const po = e.poNumber === undefined ? continued.po_number : e.poNumber;
    await execute(
      sql,
      statement`WITH dropped AS (
                  DELETE FROM contract_periods WHERE contract_id = ${contract} AND starts_on >= ${from}::date RETURNING 1),
                cut AS (
                  UPDATE contract_periods SET ends_on = ${from}::date - 1
                   WHERE contract_id = ${contract} AND starts_on < ${from}::date AND ends_on >= ${from}::date - 1 RETURNING 1)
                SELECT (SELECT count(*) FROM dropped) AS dropped, (SELECT count(*) FROM cut) AS cut`,
    );
    await execute(
      sql,
      statement`INSERT INTO contract_periods (contract_id, starts_on, ends_on, price_per_term_pence, po_number)
                VALUES (${contract}, ${from}, ${e.endsOn}, ${price}, ${po}) RETURNING contract_id`,
    );
    await execute(
      sql,
      statement`WITH changed AS (
                  UPDATE contracts SET ends_on = ${e.endsOn}, price_per_term_pence = ${price}, po_number = ${po}, updated_at = now()
                   WHERE id = ${contract} RETURNING id)
                SELECT id FROM changed`,
    );
  },
};
