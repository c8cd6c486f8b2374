import type pg from 'pg';
import { type Queryable, type Statement } from './sql.js';

/*
 * How every repository runs a statement built with sql`...` (sql.ts). The only `.query(` calls outside
 * repositories and the migration runner are here.
 *
 * TypeORM answers a statement whose top-level command is UPDATE or DELETE with `[rows, rowCount]`, any
 * other with the rows; a `pg` shim (tests racing transactions on their own connections) always with the
 * rows. These helpers take either.
 */

type Raw = unknown[] | [unknown[], number];

const isUpdateResult = (result: Raw): result is [unknown[], number] =>
  result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';

async function run(db: Queryable, statement: Statement): Promise<Raw> {
  const { text, params } = statement.compile();
  return db.query(text, params);
}

/** The rows a statement returns, typed as the repository's row shape. */
export async function rows<Row>(db: Queryable, statement: Statement): Promise<Row[]> {
  const result = await run(db, statement);
  return (isUpdateResult(result) ? result[0] : result) as Row[];
}

/** The first row, if any. */
export async function one<Row>(db: Queryable, statement: Statement): Promise<Row | undefined> {
  const [row] = await rows<Row>(db, statement);
  return row;
}

/** How many rows an UPDATE or DELETE changed (with a `pg` shim: how many it returned). */
export async function affected(db: Queryable, statement: Statement): Promise<number> {
  const result = await run(db, statement);
  return isUpdateResult(result) ? result[1] : result.length;
}

/**
 * A bare `pg` connection as a Queryable (answers with the rows): for the few connections that live outside
 * TypeORM's pool (the embedded PostgreSQL's set-up, the token cache's listening connection).
 */
export const onClient = (client: pg.ClientBase): Queryable =>
  ({ query: (text: string, params?: unknown[]) => client.query(text, params).then((result) => result.rows) }) as Queryable;

/** Runs a statement for its effect. */
export async function execute(db: Queryable, statement: Statement): Promise<void> {
  await run(db, statement);
}

/** Runs a statement compiled elsewhere (a hot path's prepared text, write-note.ts). */
export async function rowsOf<Row>(db: Queryable, compiled: { sql: string; params: unknown[] }): Promise<Row[]> {
  const result: Raw = await db.query(compiled.sql, compiled.params);
  return (isUpdateResult(result) ? result[0] : result) as Row[];
}

/** Makes the transaction read-only (first statement of a transaction that must write nothing). */
export async function setTransactionReadOnly(db: Queryable): Promise<void> {
  await db.query('SET TRANSACTION READ ONLY');
}
