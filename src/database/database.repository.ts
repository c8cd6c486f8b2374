import type pg from 'pg';
import { EntityManager, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { type Queryable, type Statement } from './sql.js';

/*
 * How every repository runs a statement built with sql`...` (sql.ts). The only `.query(` calls outside
 * repositories and the migration runner are here.
 *
 * A statement outside any transaction (`dataSource.manager`) runs straight on the `pg` pool TypeORM owns:
 * one pooled connection taken, the statement, the connection given back — what TypeORM does through a
 * QueryRunner, without the QueryRunner (its creation, events and bookkeeping cost more than the statement
 * on a short read). It keeps what TypeORM's path gives: the DataSource's logger hears of every statement
 * (logQuery, logQueryError, logQuerySlow past `maxQueryExecutionTime`), a failed statement is a
 * QueryFailedError carrying the driver's error (pg-errors.ts reads it either way), a connection that
 * breaks while taken (or whose session PostgreSQL ended) is dropped from the pool. A hot path's statement
 * marked prepared (Statement.prepared) is prepared once per pooled connection, under a name. Inside a
 * transaction (the manager a transaction gives) statements go through its QueryRunner as before.
 *
 * TypeORM answers a statement whose top-level command is UPDATE or DELETE with `[rows, rowCount]`, any
 * other with the rows; a `pg` shim (tests racing transactions on their own connections) always with the
 * rows. These helpers take either.
 */

type Raw = unknown[] | [unknown[], number];

const isUpdateResult = (result: Raw): result is [unknown[], number] =>
  result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';

/** The rows and how many rows an UPDATE or DELETE changed (any other statement: how many it returned). */
interface Answer {
  rows: unknown[];
  count: number;
}

/** The pool of a manager outside any transaction, on PostgreSQL; undefined for anything else. */
function poolOf(db: Queryable): { pool: pg.Pool; manager: EntityManager } | undefined {
  if (!(db instanceof EntityManager) || db.queryRunner) return undefined;
  const driver = db.dataSource.driver;
  if (driver.options.type !== 'postgres') return undefined;
  const pool = (driver as PostgresDriver).master as pg.Pool | undefined;
  return pool ? { pool, manager: db } : undefined;
}

/** How many forms of one prepared statement's text get a name (each is prepared on every pooled connection). */
const PREPARED_FORMS = 8;
const preparedNames = new Map<string, Map<string, string>>();

/** The name under which this form of a prepared statement is prepared, if it gets one. */
function preparedName(label: string, text: string): string | undefined {
  let forms = preparedNames.get(label);
  if (!forms) preparedNames.set(label, (forms = new Map()));
  let name = forms.get(text);
  if (name === undefined && forms.size < PREPARED_FORMS) forms.set(text, (name = `sb:${label}:${forms.size + 1}`));
  return name;
}

/** As TypeORM's PostgresQueryRunner.query on a QueryRunner of its own, without the QueryRunner. */
async function onPool(pool: pg.Pool, manager: EntityManager, text: string, params: unknown[], label?: string): Promise<Answer> {
  const { logger, driver } = manager.dataSource;
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken ??= error);
  client.on('error', onError);
  try {
    logger.logQuery(text, params);
    const started = Date.now();
    const name = label === undefined ? undefined : preparedName(label, text);
    const result = await client.query({ text, values: params, name }).catch((error: Error & { severity?: string }) => {
      // FATAL and PANIC end the session (pg_terminate_backend, a shutdown): the connection must not be reused
      if (error.severity === 'FATAL' || error.severity === 'PANIC') broken ??= error;
      logger.logQueryError(error, text, params);
      throw new QueryFailedError(text, params, error);
    });
    const slow = driver.options.maxQueryExecutionTime;
    const took = Date.now() - started;
    if (slow && took > slow) logger.logQuerySlow(took, text, params);
    // several statements in one text (no parameters): the last one's answer
    const last = (Array.isArray(result) ? result[result.length - 1] : result) as pg.QueryResult;
    const updated = last.command === 'UPDATE' || last.command === 'DELETE';
    return { rows: last.rows, count: updated ? (last.rowCount ?? 0) : last.rows.length };
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

async function answer(db: Queryable, text: string, params: unknown[], prepared?: string): Promise<Answer> {
  const direct = poolOf(db);
  if (direct) return onPool(direct.pool, direct.manager, text, params, prepared);
  const result: Raw = await db.query(text, params);
  return isUpdateResult(result) ? { rows: result[0], count: result[1] } : { rows: result, count: result.length };
}

function run(db: Queryable, statement: Statement): Promise<Answer> {
  const { text, params } = statement.compile();
  return answer(db, text, params, statement.preparedAs);
}

/** The rows a statement returns, typed as the repository's row shape. */
export async function rows<Row>(db: Queryable, statement: Statement): Promise<Row[]> {
  return (await run(db, statement)).rows as Row[];
}

/** The first row, if any. */
export async function one<Row>(db: Queryable, statement: Statement): Promise<Row | undefined> {
  const [row] = await rows<Row>(db, statement);
  return row;
}

/** How many rows an UPDATE or DELETE changed (with a `pg` shim: how many it returned). */
export async function affected(db: Queryable, statement: Statement): Promise<number> {
  return (await run(db, statement)).count;
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

/** Runs a statement compiled elsewhere (a hot path's text, write-note.ts; `prepared` as Statement.prepared()). */
export async function rowsOf<Row>(db: Queryable, compiled: { sql: string; params: unknown[]; prepared?: string }): Promise<Row[]> {
  return (await answer(db, compiled.sql, compiled.params, compiled.prepared)).rows as Row[];
}

/** Makes the transaction read-only (first statement of a transaction that must write nothing). */
export async function setTransactionReadOnly(db: Queryable): Promise<void> {
  await db.query('SET TRANSACTION READ ONLY');
}
