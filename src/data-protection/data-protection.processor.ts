import { InjectQueue, OnQueueFailed, OnQueueStalled, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../config/app-config.js';
import { OnJob } from '../queue/jobs.js';
import { RepeatableJobs } from '../queue/repeatable.js';
import { DATA_PROTECTION_QUEUE, type DataProtectionJobs } from './data-protection.queue.js';
import { DataProtectionService } from './data-protection.service.js';
import { RETENTION_SCHEDULE } from './retention.js';

/**
 * Runs the data-protection housekeeping; registers its schedules through the one registrar (once,
 * however many workers start; again whenever the outbox sweeper finds them missing from Redis).
 */
@Processor(DATA_PROTECTION_QUEUE)
export class DataProtectionProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(DataProtectionProcessor.name);

  constructor(
    private readonly dataProtection: DataProtectionService,
    @InjectQueue(DATA_PROTECTION_QUEUE) private readonly queue: Queue,
    private readonly schedules: RepeatableJobs,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedules.register(this.queue, [
      { name: 'prune-idempotency-keys' satisfies keyof DataProtectionJobs, schedule: { every: this.config.idempotency.pruneIntervalMinutes * 60_000 } },
      { name: 'erase-inactive-participants' satisfies keyof DataProtectionJobs, schedule: { ...RETENTION_SCHEDULE } },
    ]);
  }

  @OnJob(DATA_PROTECTION_QUEUE, 'prune-idempotency-keys')
  prune(): Promise<number> {
    return this.dataProtection.pruneIdempotencyKeys();
  }

  @OnJob(DATA_PROTECTION_QUEUE, 'erase-inactive-participants')
  async eraseInactive(): Promise<number> {
    return (await this.dataProtection.eraseInactive()).length;
  }

  @OnQueueFailed()
  onFailed(job: Job, error: Error): void {
    this.logger.error({ job: job.name, jobId: job.id, attemptsMade: job.attemptsMade, reason: error.message }, 'Data protection job failed');
  }

  @OnQueueStalled()
  onStalled(job: Job): void {
    this.logger.warn({ job: job.name, jobId: job.id }, 'Data protection job stalled; Bull will run it again');
  }
}
