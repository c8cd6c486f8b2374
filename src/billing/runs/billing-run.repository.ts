import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute, one, rows } from '../../database/database.repository.js';
import { bind, type Queryable, raw, sql } from '../../database/sql.js';
import { tryLockQuarter } from '../documents/billing-ledger.repository.js';
import type { BillingRunStatus } from './dto/billing-run.dto.js';

/** A billing run as GET /billing-runs shows it. */
export interface BillingRunRecord {
  id: string;
  quarter: string;
  status: BillingRunStatus;
  trigger: string;
  runOn: string | null;
  attempts: number;
  error: string | null;
  invoiceCount: number;
  creditNoteCount: number;
  totalPence: number;
  invoiceIds: string[];
  creditNoteIds: string[];
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

interface RunRow {
  id: string;
  quarter: string;
  status: BillingRunStatus;
  trigger: string;
  run_on: string | null;
  attempts: number;
  error: string | null;
  invoice_count: number;
  credit_note_count: number;
  total_pence: string | number;
  invoice_ids: string[];
  credit_note_ids: string[];
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

const toBillingRun = (r: RunRow): BillingRunRecord => ({
  id: r.id,
  quarter: r.quarter,
  status: r.status,
  trigger: r.trigger,
  runOn: r.run_on,
  attempts: r.attempts,
  error: r.error,
  invoiceCount: r.invoice_count,
  creditNoteCount: r.credit_note_count,
  totalPence: Number(r.total_pence),
  invoiceIds: r.invoice_ids,
  creditNoteIds: r.credit_note_ids,
  createdAt: r.created_at,
  startedAt: r.started_at,
  completedAt: r.completed_at,
});

const RUN_COLUMNS = sql`r.id, r.quarter, r.status, r.trigger, r.run_on, r.attempts, r.error, r.invoice_count, r.credit_note_count,
  r.total_pence, r.created_at, r.started_at, r.completed_at,
  ARRAY(SELECT d.id FROM documents d WHERE d.billing_run_id = r.id AND d.kind = 'invoice' ORDER BY d.seq) AS invoice_ids,
  ARRAY(SELECT d.id FROM documents d WHERE d.billing_run_id = r.id AND d.kind = 'credit_note' ORDER BY d.seq) AS credit_note_ids`;

/*
 * The run's own statements inside the transaction that executes it (executeBillingRun): its state, its
 * lock, its completion with its documents' totals.
 */

/** The run's quarter and status, if there is such a run. */
export function runState(db: Queryable, id: string): Promise<{ quarter: string; status: BillingRunStatus } | undefined> {
  return one(db, sql`SELECT quarter, status FROM billing_runs WHERE id = ${id}`);
}

/** Locks the run FOR UPDATE; its status. */
export async function lockRun(db: Queryable, id: string): Promise<BillingRunStatus> {
  const row = await one<{ status: BillingRunStatus }>(db, sql`SELECT status FROM billing_runs WHERE id = ${id} FOR UPDATE`);
  return row!.status;
}

/** Marks the run completed on `runOn` with the counts and total of the documents it issued. */
export async function completeRun(db: Queryable, id: string, runOn: string): Promise<void> {
  const run = sql`${id}`;
  await execute(
    db,
    sql`WITH totals AS (
          SELECT count(*) FILTER (WHERE kind = 'invoice') AS invoices,
                 count(*) FILTER (WHERE kind = 'credit_note') AS credit_notes,
                 coalesce(sum(CASE WHEN kind = 'invoice' THEN total_pence ELSE -total_pence END), 0) AS total
            FROM documents WHERE billing_run_id = ${run}),
        done AS (
          UPDATE billing_runs r
             SET status = 'completed', run_on = ${runOn}, error = NULL, completed_at = now(), updated_at = now(),
                 invoice_count = totals.invoices, credit_note_count = totals.credit_notes, total_pence = totals.total
            FROM totals WHERE r.id = ${run} RETURNING r.id)
        SELECT id FROM done`,
  );
}

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

const IN_FLIGHT_COLUMNS = raw(`id, quarter, status, dispatch_generation, enqueued_at IS NOT NULL AS enqueued`);

/**
 * The run was last claimed more than `seconds` before this transaction began (checked again by the
 * update itself, so a claim that slipped in between — an old job run again by Bull — keeps its run).
 */
const startedBefore = (seconds: number) => sql`coalesce(started_at, updated_at) < now() - make_interval(secs => ${seconds})`;

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

  async find(id: string): Promise<BillingRunRecord | undefined> {
    const row = await one<RunRow>(this.dataSource, sql`SELECT ${RUN_COLUMNS} FROM billing_runs r WHERE r.id = ${id}`);
    return row && toBillingRun(row);
  }

  /** Up to `limit` runs after run `after`, by id, of the quarter and status when given. */
  async list(filter: { after: string | null; quarter: string | null; status: string | null; limit: number }): Promise<BillingRunRecord[]> {
    const found = await rows<RunRow>(
      this.dataSource,
      sql`SELECT ${RUN_COLUMNS} FROM billing_runs r
           WHERE (${filter.after}::uuid IS NULL OR r.id > ${filter.after})
             AND (${filter.quarter}::text IS NULL OR r.quarter = ${filter.quarter})
             AND (${filter.status}::text IS NULL OR r.status = ${filter.status})
           ORDER BY r.id LIMIT ${filter.limit}`,
    );
    return found.map(toBillingRun);
  }

  /** A new queued run of the quarter, unless one is queued or running (then undefined). */
  async insertQueued(quarter: string, trigger: 'api' | 'schedule', requestedBy: string | null): Promise<string | undefined> {
    const row = await one<{ id: string }>(
      this.dataSource,
      sql`INSERT INTO billing_runs (quarter, trigger, requested_by) VALUES (${quarter}, ${trigger}, ${requestedBy})
          ON CONFLICT (quarter) WHERE status IN ('queued', 'running') DO NOTHING
          RETURNING id`,
    );
    return row?.id;
  }

  /** The quarter's queued or running run, if any. */
  async findActive(quarter: string): Promise<string | undefined> {
    const row = await one<{ id: string }>(this.dataSource, sql`SELECT id FROM billing_runs WHERE quarter = ${quarter} AND status IN ('queued', 'running')`);
    return row?.id;
  }

  /**
   * A worker takes the run: running, one more attempt. Its quarter, or undefined when the run completed
   * already or has moved on to a newer job generation than `generation`.
   */
  async claim(id: string, generation: number | null): Promise<string | undefined> {
    const row = await one<{ quarter: string }>(
      this.dataSource,
      sql`WITH claimed AS (
            UPDATE billing_runs SET status = 'running', attempts = attempts + 1, started_at = now(), updated_at = now()
             WHERE id = ${id} AND status <> 'completed' AND (${generation}::integer IS NULL OR dispatch_generation = ${generation})
            RETURNING quarter)
          SELECT quarter FROM claimed`,
    );
    return row?.quarter;
  }

  /** Marks the run failed with `message`, unless it completed or moved on to a newer job generation. */
  async markFailed(id: string, message: string, generation: number | null): Promise<void> {
    await execute(
      this.dataSource,
      sql`WITH failed AS (
            UPDATE billing_runs SET status = 'failed', error = left(${message}, 2000), updated_at = now()
             WHERE id = ${id} AND status <> 'completed' AND (${generation}::integer IS NULL OR dispatch_generation = ${generation})
            RETURNING id)
          SELECT id FROM failed`,
    );
  }

  /** Queued and running runs, oldest first (ids are time-ordered): `limit` of them after run `after`. */
  async inFlight(limit: number, after: string | null = null): Promise<InFlightRun[]> {
    const found = await rows<InFlightRow>(
      this.dataSource,
      sql`SELECT ${IN_FLIGHT_COLUMNS} FROM billing_runs
           WHERE status IN ('queued', 'running') AND (${after}::uuid IS NULL OR id > ${after})
           ORDER BY id LIMIT ${limit}`,
    );
    return found.map(toInFlightRun);
  }

  /** Run `id` if it is queued or running. */
  async findInFlight(id: string): Promise<InFlightRun | undefined> {
    const row = await one<InFlightRow>(
      this.dataSource,
      sql`SELECT ${IN_FLIGHT_COLUMNS} FROM billing_runs WHERE id = ${id} AND status IN ('queued', 'running')`,
    );
    return row && toInFlightRun(row);
  }

  /** The job of `generation` is in Redis. */
  async markEnqueued(id: string, generation: number): Promise<void> {
    await execute(
      this.dataSource,
      sql`WITH marked AS (
            UPDATE billing_runs SET enqueued_at = now() WHERE id = ${id} AND dispatch_generation = ${generation} RETURNING id)
          SELECT id FROM marked`,
    );
  }

  /** A queued run whose job will not run gets the next generation (nothing if another process did it first). */
  async renewQueued(id: string, generation: number): Promise<InFlightRun | undefined> {
    const row = await one<InFlightRow>(
      this.dataSource,
      sql`WITH renewed AS (
            UPDATE billing_runs SET dispatch_generation = dispatch_generation + 1, enqueued_at = NULL, updated_at = now()
             WHERE id = ${id} AND status = 'queued' AND dispatch_generation = ${generation}
             RETURNING ${IN_FLIGHT_COLUMNS})
          SELECT * FROM renewed`,
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
      const max = bind(options.maxRecoveries);
      const row = await one<InFlightRow & { recoveries: number }>(
        em,
        sql`WITH settled AS (
              UPDATE billing_runs
                 SET status = CASE WHEN recoveries < ${max} THEN 'queued' ELSE 'failed' END,
                     error = CASE WHEN recoveries < ${max} THEN error ELSE left(${options.failure(options.maxRecoveries + 1)}, 2000) END,
                     recoveries = CASE WHEN recoveries < ${max} THEN recoveries + 1 ELSE recoveries END,
                     -- a new job id either way: the old job, should Bull ever run it again, is ignored
                     dispatch_generation = dispatch_generation + 1, enqueued_at = NULL, updated_at = now()
               WHERE id = ${id} AND status = 'running' AND dispatch_generation = ${generation} AND ${startedBefore(options.startedBeforeMs / 1000)}
               RETURNING ${IN_FLIGHT_COLUMNS}, recoveries)
            SELECT * FROM settled`,
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
      const row = await one<InFlightRow>(
        em,
        sql`WITH requeued AS (
              UPDATE billing_runs
                 SET status = 'queued', recoveries = 0, dispatch_generation = dispatch_generation + 1, enqueued_at = NULL, updated_at = now()
               WHERE id = ${id} AND status = 'running' AND dispatch_generation = ${generation} AND ${startedBefore(0)}
               RETURNING ${IN_FLIGHT_COLUMNS})
            SELECT * FROM requeued`,
      );
      return row ? { outcome: 'requeued', run: toInFlightRun(row), recoveries: 0 } : { outcome: 'moved-on' };
    });
  }

  /** POST /billing-runs/:id/retry of a failed run: back to `queued` under the next generation (nothing if it is not failed). */
  async requeueFailed(id: string): Promise<InFlightRun | undefined> {
    const row = await one<InFlightRow>(
      this.dataSource,
      sql`WITH requeued AS (
            UPDATE billing_runs
               SET status = 'queued', recoveries = 0, dispatch_generation = dispatch_generation + 1, enqueued_at = NULL, updated_at = now()
             WHERE id = ${id} AND status = 'failed'
             RETURNING ${IN_FLIGHT_COLUMNS})
          SELECT * FROM requeued`,
    );
    return row && toInFlightRun(row);
  }

  /** The run's quarter, locked in `em`'s transaction, if the run is still running at `generation` and started long enough ago. */
  private async lockIfStillRunning(em: Queryable, id: string, generation: number, startedBeforeMs: number): Promise<string | Interruption> {
    const run = await one<{ quarter: string }>(
      em,
      sql`SELECT quarter FROM billing_runs
           WHERE id = ${id} AND status = 'running' AND dispatch_generation = ${generation} AND ${startedBefore(startedBeforeMs / 1000)}`,
    );
    if (!run) return { outcome: 'moved-on' };
    if (!(await tryLockQuarter(em, run.quarter))) return { outcome: 'busy' };
    return run.quarter;
  }
}
