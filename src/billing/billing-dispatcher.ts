import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { BillingRunsService } from './billing-runs.service.js';

/**
 * The outbox's dispatcher, in every process role: every few seconds it enqueues the runs still waiting
 * for their Bull job (Redis was down when they were requested). Several processes may do this at once:
 * the job id is deterministic, so a run gets one job.
 */
@Injectable()
export class BillingDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BillingDispatcher');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly runs: BillingRunsService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.billing.dispatchIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass (skipped while the previous one is still going). */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.runs
      .dispatchPending()
      .then((n) => {
        if (n > 0) this.logger.log({ dispatched: n }, 'Enqueued billing runs that were waiting for Redis');
      })
      .catch((error) => this.logger.warn({ err: (error as Error).message }, 'Billing dispatcher pass failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
