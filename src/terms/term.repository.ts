import { Injectable } from '@nestjs/common';
import { execute, one } from '../database/database.repository.js';
import { bind, type Queryable, raw, sql as statement } from '../database/sql.js';
import type { TermDates } from './term-dates.js';

/** A term as stored. */
export interface TermRecord extends TermDates {
  id: string;
  name: string;
  createdAt: Date;
}

interface TermRow {
  id: string;
  name: string;
  starts_on: string;
  ends_on: string;
  census_date: string;
  created_at: Date;
}

const toTerm = (r: TermRow): TermRecord => ({
  id: r.id,
  name: r.name,
  startsOn: r.starts_on,
  endsOn: r.ends_on,
  censusDate: r.census_date,
  createdAt: r.created_at,
});

const COLUMNS = raw('id, name, starts_on, ends_on, census_date, created_at');

/** Sessions of a term dated outside a range, and the first and last of those dates. */
export interface SessionsOutside {
  count: number;
  first: string | null;
  last: string | null;
}

/** Registrations of a term whose dates a range would not hold. */
export interface RegistrationsOutside {
  /** Took their place after the range ends (a place is never dated after its term). */
  placedAfter: number;
  latestPlacedOn: string | null;
  /** Withdrawn effective outside the range (a withdrawal always takes effect within its term). */
  withdrawnOutside: number;
}

/**
 * The SQL of terms and of their corrections. The methods that take `sql` run in the caller's
 * transaction (the manager TypeORM hands it).
 */
@Injectable()
export class TermRepository {
  async find(sql: Queryable, id: string): Promise<TermRecord | undefined> {
    const row = await one<TermRow>(sql, statement`SELECT ${COLUMNS} FROM terms WHERE id = ${id}`);
    return row && toTerm(row);
  }

  /**
   * Steps 1 and 2 of the lock order (migrations/1764320000000-RegistrationLockOrder.ts) for every
   * programme-term of the term: its programmes FOR KEY SHARE, then its programme_terms rows FOR NO KEY
   * UPDATE, each in id order. Every registration, withdrawal, promotion and new session of the term holds
   * one of these rows while it reads the term's dates in SQL and writes, so it runs wholly before a
   * correction's checks or wholly after the correction commits.
   */
  async lockProgrammeTerms(sql: Queryable, termId: string): Promise<void> {
    await execute(
      sql,
      statement`SELECT p.id FROM programmes p
                 WHERE p.id IN (SELECT programme_id FROM programme_terms WHERE term_id = ${termId})
                 ORDER BY p.id FOR KEY SHARE`,
    );
    await execute(sql, statement`SELECT programme_id FROM programme_terms WHERE term_id = ${termId} ORDER BY programme_id FOR NO KEY UPDATE`);
  }

  /**
   * The term, locked FOR UPDATE until commit: this conflicts with the FOR KEY SHARE that the foreign keys
   * of a new document line, session or programme-term take on it, so none of them is written for the
   * term between a correction's checks and its commit.
   */
  async lock(sql: Queryable, id: string): Promise<TermRecord | undefined> {
    const row = await one<TermRow>(sql, statement`SELECT ${COLUMNS} FROM terms WHERE id = ${id} FOR UPDATE`);
    return row && toTerm(row);
  }

  /** Billed: a billing-ledger entry or a document line refers to the term. */
  async isBilled(sql: Queryable, id: string): Promise<boolean> {
    const term = bind(id);
    const row = await one<{ billed: boolean }>(
      sql,
      statement`SELECT EXISTS (SELECT 1 FROM billing_ledger WHERE term_id = ${term})
                    OR EXISTS (SELECT 1 FROM document_lines WHERE term_id = ${term}) AS billed`,
    );
    return row!.billed === true;
  }

  async sessionsOutside(sql: Queryable, id: string, range: { startsOn: string; endsOn: string }): Promise<SessionsOutside> {
    const row = await one<SessionsOutside>(
      sql,
      statement`SELECT count(*)::int AS count, min(date) AS first, max(date) AS last
                  FROM sessions WHERE term_id = ${id} AND date NOT BETWEEN ${range.startsOn} AND ${range.endsOn}`,
    );
    return { count: row!.count, first: row!.first, last: row!.last };
  }

  async registrationsOutside(sql: Queryable, id: string, range: { startsOn: string; endsOn: string }): Promise<RegistrationsOutside> {
    const endsOn = bind(range.endsOn);
    const row = await one<{ placed_after: number; latest_placed_on: string | null; withdrawn_outside: number }>(
      sql,
      statement`SELECT count(*) FILTER (WHERE registered_on > ${endsOn})::int AS placed_after,
                       max(registered_on) FILTER (WHERE registered_on > ${endsOn}) AS latest_placed_on,
                       count(*) FILTER (WHERE withdrawal_effective_on NOT BETWEEN ${range.startsOn} AND ${endsOn})::int AS withdrawn_outside
                  FROM registrations WHERE term_id = ${id}`,
    );
    return { placedAfter: row!.placed_after, latestPlacedOn: row!.latest_placed_on, withdrawnOutside: row!.withdrawn_outside };
  }

  /**
   * Withdrawn registrations whose money was settled by the current census (kept when they counted at it,
   * released when not: counts_at_census, the census rule) and would count differently at `nextCensus`.
   */
  async withdrawalsSettledDifferently(sql: Queryable, id: string, currentCensus: string, nextCensus: string): Promise<number> {
    const row = await one<{ count: number }>(
      sql,
      statement`SELECT count(*)::int AS count FROM registrations
                 WHERE term_id = ${id} AND status = 'withdrawn'
                   AND counts_at_census(registered_on, withdrawal_effective_on, ${currentCensus})
                       <> counts_at_census(registered_on, withdrawal_effective_on, ${nextCensus})`,
    );
    return row!.count;
  }

  async update(sql: Queryable, id: string, term: { name: string } & TermDates): Promise<TermRecord> {
    const row = await one<TermRow>(
      sql,
      statement`WITH updated AS (
                  UPDATE terms SET name = ${term.name}, starts_on = ${term.startsOn}, ends_on = ${term.endsOn}, census_date = ${term.censusDate}
                   WHERE id = ${id}
                  RETURNING ${COLUMNS})
                SELECT * FROM updated`,
    );
    return toTerm(row!);
  }
}
