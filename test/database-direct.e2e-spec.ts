import { jest } from '@jest/globals';
import pg from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { affected, one, rows } from '../src/database/database.repository.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { sqlState, violatedConstraint } from '../src/database/pg-errors.js';
import { raw, sql } from '../src/database/sql.js';
import { createTestDatabase, dropTestDatabase } from './support/test-database.js';

/**
 * Issue 12, item 4: a statement outside a transaction (`dataSource.manager`) runs straight on the `pg` pool
 * TypeORM owns, with no QueryRunner of its own, and still behaves as TypeORM's path did: its logger hears
 * of it (and of a slow one past maxQueryExecutionTime, and of a failed one), a failure is a QueryFailedError
 * whose SQLSTATE and constraint pg-errors.ts reads, a constraint violation gives its connection back to the
 * pool, a connection that breaks under a statement is dropped (and the process lives on), UPDATE counts
 * what it changed. A hot statement marked prepared is prepared once per connection. Statements in a
 * transaction still go through its QueryRunner.
 */
describe('statements outside a transaction, on the pool', () => {
  let database: { name: string; url: string };
  let dataSource: DataSource;
  let other: pg.Client;
  let runners: number;
  let logged: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ ...dataSourceOptions(database.url, 2), maxQueryExecutionTime: 150 });
    await dataSource.initialize();
    other = new pg.Client({ connectionString: database.url });
    await other.connect();
    await other.query('CREATE TABLE direct_probe (id int PRIMARY KEY, n int NOT NULL)');
    const create = dataSource.createQueryRunner.bind(dataSource);
    dataSource.createQueryRunner = (mode) => {
      runners++;
      return create(mode);
    };
  });
  afterAll(async () => {
    await other?.end();
    await dataSource?.destroy();
    if (database) await dropTestDatabase(database.name);
  });
  beforeEach(async () => {
    runners = 0;
    logged = [];
    await other.query('TRUNCATE direct_probe');
  });

  const hear = () => {
    const logger = dataSource.logger;
    const spies = {
      query: jest.spyOn(logger, 'logQuery').mockImplementation((query) => void logged.push(query)),
      slow: jest.spyOn(logger, 'logQuerySlow').mockImplementation(() => undefined),
      error: jest.spyOn(logger, 'logQueryError').mockImplementation(() => undefined),
    };
    return { ...spies, restore: () => Object.values(spies).forEach((spy) => spy.mockRestore()) };
  };
  const pool = () => (dataSource.driver as unknown as { master: pg.Pool }).master;

  it('reads, writes and counts without a QueryRunner, and the logger hears each statement', async () => {
    const spies = hear();
    try {
      const inserted = await rows<{ id: number }>(dataSource.manager, sql`INSERT INTO direct_probe VALUES (1, 1), (2, 1), (3, 2) RETURNING id`);
      expect(inserted.map((r) => r.id)).toEqual([1, 2, 3]);
      expect(await affected(dataSource.manager, sql`UPDATE direct_probe SET n = n + 1 WHERE n = ${1}`)).toBe(2);
      expect(await affected(dataSource.manager, sql`DELETE FROM direct_probe WHERE id = ${3} RETURNING id`)).toBe(1);
      expect(await one<{ n: number }>(dataSource.manager, sql`SELECT sum(n)::int AS n FROM direct_probe`)).toEqual({ n: 4 });
      expect(runners).toBe(0);
      expect(logged).toHaveLength(4);
      expect(logged[1]).toBe('UPDATE direct_probe SET n = n + 1 WHERE n = $1');
      expect(spies.slow).not.toHaveBeenCalled();
      await rows(dataSource.manager, sql`SELECT pg_sleep(0.3)`);
      expect(spies.slow).toHaveBeenCalledTimes(1);
      expect(spies.slow.mock.calls[0][1]).toBe('SELECT pg_sleep(0.3)');
    } finally {
      spies.restore();
    }
  });

  it('a violated constraint is a QueryFailedError pg-errors reads, and the connection goes back to the pool', async () => {
    await rows(dataSource.manager, sql`INSERT INTO direct_probe VALUES (1, 1)`);
    const total = pool().totalCount;
    expect(total).toBeGreaterThan(0);
    const spies = hear();
    let failure: unknown;
    try {
      await rows(dataSource.manager, sql`INSERT INTO direct_probe VALUES (${1}, 2)`).catch((error: unknown) => (failure = error));
      expect(spies.error).toHaveBeenCalledTimes(1);
    } finally {
      spies.restore();
    }
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(sqlState(failure)).toBe('23505');
    expect(violatedConstraint(failure)).toBe('direct_probe_pkey');
    expect((failure as QueryFailedError).message).toMatch(/duplicate key value violates unique constraint "direct_probe_pkey"/);
    expect((failure as QueryFailedError).parameters).toEqual([1]);
    expect(pool().totalCount).toBe(total);
    expect(pool().idleCount).toBe(total);
    expect(runners).toBe(0);
  });

  it('a connection that breaks under a statement is dropped from the pool; the next statement has a new one', async () => {
    const [{ pid }] = await Promise.all([
      (async () => {
        // wait for the sleeping statement, then end its session from outside
        for (;;) {
          const { rows: found } = await other.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'`);
          if (found.length) {
            await other.query('SELECT pg_terminate_backend($1)', [found[0].pid]);
            return found[0];
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      })(),
      expect(rows(dataSource.manager, sql`SELECT pg_sleep(30)`)).rejects.toThrow(/terminat/),
    ]);
    const next = await one<{ pid: number }>(dataSource.manager, sql`SELECT pg_backend_pid() AS pid`);
    expect(next?.pid).not.toBe(pid);
    expect(runners).toBe(0);
  });

  it('a statement marked prepared is prepared once per connection, in up to 8 forms, and not in a transaction', async () => {
    const named = () => rows<{ name: string; statement: string }>(dataSource.manager, sql`SELECT name, statement FROM pg_prepared_statements ORDER BY name`);
    const form = (n: number) => sql`SELECT ${n}::int + ${raw(String(n))} AS n`.prepared('probe');
    expect(await named()).toEqual([]);
    // the pool hands back the connection last released: these all run on one
    for (let n = 1; n <= 9; n++) for (let time = 0; time < 2; time++) expect(await one(dataSource.manager, form(n))).toEqual({ n: 2 * n });
    const prepared = await named();
    expect(prepared.map((p) => p.name)).toEqual(['sb:probe:1', 'sb:probe:2', 'sb:probe:3', 'sb:probe:4', 'sb:probe:5', 'sb:probe:6', 'sb:probe:7', 'sb:probe:8']);
    expect(prepared[0].statement).toBe('SELECT $1::int + 1 AS n');
    await dataSource.transaction(async (em) => {
      expect(await one(em, sql`SELECT ${10}::int AS n`.prepared('in-transaction'))).toEqual({ n: 10 });
      expect((await rows(em, sql`SELECT name FROM pg_prepared_statements WHERE name LIKE ${'sb:in-transaction%'}`)).length).toBe(0);
    });
    expect(runners).toBe(1);
  });

  it('in a transaction, statements go through its QueryRunner and roll back with it', async () => {
    await expect(
      dataSource.transaction(async (em) => {
        await rows(em, sql`INSERT INTO direct_probe VALUES (7, 7)`);
        expect(await affected(em, sql`UPDATE direct_probe SET n = 8 WHERE id = ${7}`)).toBe(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(runners).toBe(1);
    expect((await other.query('SELECT count(*)::int AS n FROM direct_probe')).rows[0].n).toBe(0);
  });
});
