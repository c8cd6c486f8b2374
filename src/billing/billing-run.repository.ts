import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Queryable } from '../database/sql.js';
import { tryLockQuarter } from './billing-transactions.js';

/** A billing run as its outbox sees it: a run that must have a live Bull job. */
export interface InFlightRun {
  id: string;
  quarter: string;
  status: 'queued' | 'running';
  /** Names the run's current Bull job (runJobId). */
  generation: number;
  /** Whether the job of this generation is known to have been added. */
  enqueued: boolean;
}

interface InFlightRow {
  id: string;
  quarter: string;
  status: 'queued' | 'running';
  dispatch_generation: number;
  enqueued: boolean;
}

const toInFlightRun = (r: InFlightRow): InFlightRun => ({
  id: r.id,
  quarter: r.quarter,
  status: r.status,
  generation: r.dispatch_generation,
  enqueued: r.enqueued,
});

const IN_FLIGHT_COLUMNS = `id, quarter, status, dispatch_generation, enqueued_at IS NOT NULL AS enqueued`;

/**
 * The run was last claimed more than `seconds` before this transaction began (checked again by the
 * update itself, so a claim that slipped in between — an old job run again by Bull — keeps its run).
 */
const STARTED_BEFORE = (seconds: string) => `coalesce(started_at, updated_at) < now() - make_interval(secs => ${seconds})`;

/** What became of a running run that lost its job. */
export type Interruption =
  | { outcome: 'requeued'; run: InFlightRun; recoveries: number }
  | { outcome: 'failed'; recoveries: number }
  /** Someone holds the quarter's lock: the run (or a credit of its quarter) is being written right now. */
  | { outcome: 'busy' }
  /** The run is no longer running at that generation, or started too recently. */
  | { outcome: 'moved-on' };

/**
 * The billing run's dispatch state (the outbox side of billing_runs): which runs need a job, recording
 * that a job was added, and moving a run to a new dispatch generation when its job will not run.
 */
@Injectable()
export class BillingRunRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Queued and running runs, oldest first (ids are time-ordered): `limit` of them after run `after`. */
  async inFlight(limit: number, after: string | null = null): Promise<InFlightRun[]> {
    const rows: InFlightRow[] = await this.dataSource.query(
      `SELECT ${IN_FLIGHT_COLUMNS} FROM billing_runs
        WHERE status IN ('queued', 'running') AND ($2::uuid IS NULL OR id > $2)
        ORDER BY id LIMIT $1`,
      [limit, after],
    );
    return rows.map(toInFlightRun);
  }

  /** Run `id` if it is queued or running. */
  async findInFlight(id: string): Promise<InFlightRun | undefined> {
    const [row]: InFlightRow[] = await this.dataSource.query(
      `SELECT ${IN_FLIGHT_COLUMNS} FROM billing_runs WHERE id = $1 AND status IN ('queued', 'running')`,
      [id],
    );
    return row && toInFlightRun(row);
  }

  /** The job of `generation` is in Redis. */
  async markEnqueued(id: string, generation: number): Promise<void> {
    await this.dataSource.query(
      `WITH marked AS (
         UPDATE billing_runs SET enqueued_at = now() WHERE id = $1 AND dispatch_generation = $2 RETURNING id)
       SELECT id FROM marked`,
      [id, generation],
    );
  }

  /** A queued run whose job will not run gets the next generation (nothing if another process did it first). */
  async renewQueued(id: string, generation: number): Promise<InFlightRun | undefined> {
    const [row]: InFlightRow[] = await this.dataSource.query(
      `WITH renewed AS (
         UPDATE billing_runs SET dispatch_generation = dispatch_generation + 1, enqueued_at = NULL, updated_at = now()
          WHERE id = $1 AND status = 'queued' AND dispatch_generation = $2
          RETURNING ${IN_FLIGHT_COLUMNS})
       SELECT * FROM renewed`,
      [id, generation],
    );
    return row && toInFlightRun(row);
  }

  /**
   * A run left `running` by a job that will not run any more (its worker died, or Redis lost the job),
   * started at least `startedBeforeMs` ago, and that nobody is executing — it can be taken from under the
   * quarter's lock, which every execution holds until it commits or rolls back: back to `queued` under
   * the next generation, or `failed` with `failure` once it has been put back `maxRecoveries` times.
   *
   * Putting it back is safe because what it did is gone: a billing run is one transaction under the
   * quarter's advisory lock, so a dead worker's run was rolled back whole, and the billing ledger's
   * unique (registration, version) would refuse a second billing of the same registrations even if an
   * old job ran it again. Running it again bills exactly what it would have billed.
   */
  async requeueInterrupted(id: string, generation: number, options: { startedBeforeMs: number; maxRecoveries: number; failure: (recoveries: number) => string }): Promise<Interruption> {
    return this.dataSource.transaction(async (em) => {
      const quarter = await this.lockIfStillRunning(em, id, generation, options.startedBeforeMs);
      if (typeof quarter !== 'string') return quarter;
      const [row]: Array<InFlightRow & { recoveries: number }> = await em.query(
        `WITH settled AS (
           UPDATE billing_runs
              SET status = CASE WHEN recoveries < $3 THEN 'queued' ELSE 'failed' END,
                  error = CASE WHEN recoveries < $3 THEN error ELSE left($4, 2000) END,
                  recoveries = CASE WHEN recoveries < $3 THEN recoveries + 1 ELSE recoveries END,
                  -- a new job id either way: the old job, should Bull ever run it again, is ignored
                  dispatch_generation = dispatch_generation + 1, enqueued_at = NULL, updated_at = now()
            WHERE id = $1 AND status = 'running' AND dispatch_generation = $2 AND ${STARTED_BEFORE('$5')}
            RETURNING ${IN_FLIGHT_COLUMNS}, recoveries)
         SELECT * FROM settled`,
        [id, generation, options.maxRecoveries, options.failure(options.maxRecoveries + 1), options.startedBeforeMs / 1000],
      );
      if (!row) return { outcome: 'moved-on' };
      if (row.status !== 'queued') return { outcome: 'failed', recoveries: row.recoveries };
      return { outcome: 'requeued', run: toInFlightRun(row), recoveries: row.recoveries };
    });
  }

  /**
   * POST /billing-runs/:id/retry of a run stuck `running` (its job will not run, nobody executes it):
   * back to `queued` under the next generation, with a fresh count of recoveries.
   */
  async requeueStuck(id: string, generation: number): Promise<Interruption> {
    return this.dataSource.transaction(async (em) => {
      const quarter = await this.lockIfStillRunning(em, id, generation, 0);
      if (typeof quarter !== 'string') return quarter;
      const [row]: InFlightRow[] = await em.query(
        `WITH requeued AS (
           UPDATE billing_runs
              SET status = 'queued', recoveries = 0, dispatch_generation = dispatch_generation + 1, enqueued_at = NULL, updated_at = now()
            WHERE id = $1 AND status = 'running' AND dispatch_generation = $2 AND ${STARTED_BEFORE('$3')}
            RETURNING ${IN_FLIGHT_COLUMNS})
         SELECT * FROM requeued`,
        [id, generation, 0],
      );
      return row ? { outcome: 'requeued', run: toInFlightRun(row), recoveries: 0 } : { outcome: 'moved-on' };
    });
  }

  /** POST /billing-runs/:id/retry of a failed run: back to `queued` under the next generation (nothing if it is not failed). */
  async requeueFailed(id: string): Promise<InFlightRun | undefined> {
    const [row]: InFlightRow[] = await this.dataSource.query(
      `WITH requeued AS (
         UPDATE billing_runs
            SET status = 'queued', recoveries = 0, dispatch_generation = dispatch_generation + 1, enqueued_at = NULL, updated_at = now()
          WHERE id = $1 AND status = 'failed'
          RETURNING ${IN_FLIGHT_COLUMNS})
       SELECT * FROM requeued`,
      [id],
    );
    return row && toInFlightRun(row);
  }

  /** The run's quarter, locked in `em`'s transaction, if the run is still running at `generation` and started long enough ago. */
  private async lockIfStillRunning(em: Queryable, id: string, generation: number, startedBeforeMs: number): Promise<string | Interruption> {
    const [run]: Array<{ quarter: string }> = await em.query(
      `SELECT quarter FROM billing_runs
        WHERE id = $1 AND status = 'running' AND dispatch_generation = $2 AND ${STARTED_BEFORE('$3')}`,
      [id, generation, startedBeforeMs / 1000],
    );
    if (!run) return { outcome: 'moved-on' };
    if (!(await tryLockQuarter(em, run.quarter))) return { outcome: 'busy' };
    return run.quarter;
  }
}
