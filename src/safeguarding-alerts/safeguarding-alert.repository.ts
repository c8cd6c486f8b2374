import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute, one, rows } from '../database/database.repository.js';
import { raw, sql, type Statement } from '../database/sql.js';

/** A safeguarding alert as its outbox sees it: one that must have a live Bull job. */
export interface InFlightAlert {
  id: string;
  status: 'pending' | 'queued' | 'retrying';
  /** Names the alert's current Bull job (alertJobId). */
  generation: number;
  /** Whether the job of this generation is known to have been added. */
  enqueued: boolean;
}

interface InFlightRow {
  id: string;
  status: InFlightAlert['status'];
  dispatch_generation: number;
  enqueued: boolean;
}

const toInFlightAlert = (r: InFlightRow): InFlightAlert => ({ id: r.id, status: r.status, generation: r.dispatch_generation, enqueued: r.enqueued });

const IN_FLIGHT_COLUMNS = raw(`id, status, dispatch_generation, enqueued_at IS NOT NULL AS enqueued`);

/**
 * Writing an alert's outbox row as a clause of the statement that writes its note (one per row of
 * `source`, the name of a CTE with `id` and `participant_id`), when `raise`.
 */
export function alertOutboxClause(raise: boolean, source: string): Statement {
  return sql`INSERT INTO safeguarding_alerts (case_note_id, participant_id)
          SELECT id, participant_id FROM ${raw(source)} WHERE ${raise}::boolean
          RETURNING id`;
}

/** What a delivery attempt needs of an alert and its note (never the note's body). */
export interface AlertToDeliver {
  id: string;
  status: string;
  generation: number;
  caseNoteId: string;
  participantId: string;
  createdAt: Date;
  occurredAt: Date;
}

interface AlertToDeliverRow {
  id: string;
  status: string;
  dispatch_generation: number;
  case_note_id: string;
  participant_id: string;
  created_at: Date;
  occurred_at: Date;
}

const toAlertToDeliver = (r: AlertToDeliverRow): AlertToDeliver => ({
  id: r.id,
  status: r.status,
  generation: r.dispatch_generation,
  caseNoteId: r.case_note_id,
  participantId: r.participant_id,
  createdAt: r.created_at,
  occurredAt: r.occurred_at,
});

/** The alert's dispatch state (the outbox side of safeguarding_alerts), and its delivery attempts. */
@Injectable()
export class SafeguardingAlertRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Alerts not yet delivered nor failed, oldest first (ids are time-ordered): `limit` of them after alert
   * `after`. A pending alert younger than `graceSeconds` is left to the request that wrote it, which is
   * queueing it.
   */
  async inFlight(limit: number, graceSeconds: number, after: string | null = null): Promise<InFlightAlert[]> {
    const found = await rows<InFlightRow>(
      this.dataSource,
      sql`SELECT ${IN_FLIGHT_COLUMNS} FROM safeguarding_alerts
           WHERE status IN ('pending', 'queued', 'retrying') AND (${after}::uuid IS NULL OR id > ${after})
             AND (status <> 'pending' OR created_at < now() - make_interval(secs => ${graceSeconds}))
           ORDER BY id LIMIT ${limit}`,
    );
    return found.map(toInFlightAlert);
  }

  /** Alert `id` if it is not yet delivered nor failed. */
  async findInFlight(id: string): Promise<InFlightAlert | undefined> {
    const row = await one<InFlightRow>(
      this.dataSource,
      sql`SELECT ${IN_FLIGHT_COLUMNS} FROM safeguarding_alerts WHERE id = ${id} AND status IN ('pending', 'queued', 'retrying')`,
    );
    return row && toInFlightAlert(row);
  }

  /**
   * The job of `generation` is in Redis: a pending alert is now queued. Its worker may already have
   * delivered it (the job can run before this update), so when it was enqueued is recorded whatever the
   * alert's status is now; only a pending alert's status moves.
   */
  async markEnqueued(id: string, generation: number): Promise<void> {
    await execute(
      this.dataSource,
      sql`WITH marked AS (
            UPDATE safeguarding_alerts
               SET enqueued_at = COALESCE(enqueued_at, now()), status = CASE WHEN status = 'pending' THEN 'queued' ELSE status END
             WHERE id = ${id} AND dispatch_generation = ${generation}
             RETURNING id)
          SELECT id FROM marked`,
    );
  }

  /**
   * An alert whose job will not run (Redis lost it, or Bull gave up on it without the alert recording an
   * outcome) is pending again under the next generation; nothing if another process renewed it first.
   */
  async renew(id: string, generation: number): Promise<InFlightAlert | undefined> {
    const row = await one<InFlightRow>(
      this.dataSource,
      sql`WITH renewed AS (
            UPDATE safeguarding_alerts
               SET status = 'pending', dispatch_generation = dispatch_generation + 1, enqueued_at = NULL
             WHERE id = ${id} AND dispatch_generation = ${generation} AND status IN ('pending', 'queued', 'retrying')
             RETURNING ${IN_FLIGHT_COLUMNS})
          SELECT * FROM renewed`,
    );
    return row && toInFlightAlert(row);
  }

  async findToDeliver(id: string): Promise<AlertToDeliver | undefined> {
    const row = await one<AlertToDeliverRow>(
      this.dataSource,
      sql`SELECT a.id, a.status, a.dispatch_generation, a.case_note_id, a.participant_id, a.created_at, n.occurred_at
            FROM safeguarding_alerts a JOIN case_notes n ON n.id = a.case_note_id
           WHERE a.id = ${id}`,
    );
    return row && toAlertToDeliver(row);
  }

  /** Records one delivery attempt's outcome (nothing once the alert is delivered). */
  async recordAttempt(id: string, status: 'delivered' | 'retrying' | 'failed', httpStatus: number | null, error: string | null): Promise<void> {
    const outcome = sql`${status}`;
    await execute(
      this.dataSource,
      sql`UPDATE safeguarding_alerts
             SET status = ${outcome}, attempts = attempts + 1, last_http_status = ${httpStatus}, last_error = ${error},
                 last_attempt_at = now(), delivered_at = CASE WHEN ${outcome} = 'delivered' THEN now() END
           WHERE id = ${id} AND status <> 'delivered'`,
    );
  }
}
