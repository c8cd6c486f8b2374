import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the outbox sweeper needs to recover work whose Bull job was lost (Redis lost its data, or a worker
 * died): every outbox row is "in flight" until it is done, and a row whose job will not run is moved to a
 * new dispatch generation, which names a new job.
 */
export class OutboxRecovery1764300000000 implements MigrationInterface {
  name = 'OutboxRecovery1764300000000';

  async up(db: QueryRunner): Promise<void> {
    // A safeguarding alert's job id carries its generation, as a billing run's does, so that an alert
    // whose job is gone (or failed for good without a recorded outcome) can be given a new job.
    await db.query(`
      ALTER TABLE safeguarding_alerts
        ADD COLUMN dispatch_generation integer NOT NULL DEFAULT 0 CHECK (dispatch_generation >= 0)
    `);
    // How many times the sweeper put a run back in the queue after it lost its job while running, since
    // it was requested or last retried: past BILLING_RUN_ATTEMPTS the run is failed instead.
    await db.query(`
      ALTER TABLE billing_runs
        ADD COLUMN recoveries integer NOT NULL DEFAULT 0 CHECK (recoveries >= 0)
    `);
    // The sweeper's reads: every row that must have a live job.
    await db.query(`DROP INDEX safeguarding_alerts_pending_idx`);
    await db.query(`CREATE INDEX safeguarding_alerts_in_flight_idx ON safeguarding_alerts (created_at) WHERE status IN ('pending', 'queued', 'retrying')`);
    await db.query(`DROP INDEX billing_runs_outbox_idx`);
    await db.query(`CREATE INDEX billing_runs_in_flight_idx ON billing_runs (created_at) WHERE status IN ('queued', 'running')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX billing_runs_in_flight_idx`);
    await db.query(`CREATE INDEX billing_runs_outbox_idx ON billing_runs (created_at) WHERE status = 'queued'`);
    await db.query(`DROP INDEX safeguarding_alerts_in_flight_idx`);
    await db.query(`CREATE INDEX safeguarding_alerts_pending_idx ON safeguarding_alerts (created_at) WHERE status = 'pending'`);
    await db.query(`ALTER TABLE billing_runs DROP COLUMN recoveries`);
    await db.query(`ALTER TABLE safeguarding_alerts DROP COLUMN dispatch_generation`);
  }
}
