import { InjectQueue, OnQueueFailed, Processor } from '@nestjs/bull';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { OnJob } from '../../queue/jobs.js';
import { RepeatableJobs } from '../../queue/repeatable.js';
import { CommitmentSettlementService } from './commitment-settlement.service.js';
import { COMMITMENTS_QUEUE, type CommitmentsJobs, SETTLEMENT_SCHEDULE } from './commitments-queue.js';

/**
 * Worker role: registers the daily settlement through the one registrar (once, however many workers
 * start; again whenever the outbox sweeper finds it missing from Redis) and runs it.
 */
@Processor(COMMITMENTS_QUEUE)
export class CommitmentsProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('Commitments');

  constructor(
    private readonly settlement: CommitmentSettlementService,
    @InjectQueue(COMMITMENTS_QUEUE) private readonly queue: Queue,
    private readonly schedules: RepeatableJobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedules.register(this.queue, [
      {
        name: 'settle-ended-terms' satisfies keyof CommitmentsJobs,
        schedule: { ...SETTLEMENT_SCHEDULE },
        options: { removeOnComplete: 100, removeOnFail: false, attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
      },
    ]);
  }

  @OnJob(COMMITMENTS_QUEUE, 'settle-ended-terms', { concurrency: 1 })
  async settle(): Promise<number> {
    return (await this.settlement.settle()).registrations;
  }

  @OnQueueFailed()
  failed(job: Job, error: Error): void {
    this.logger.error({ job: job.name, jobId: job.id, attemptsMade: job.attemptsMade, err: error?.message }, 'Commitment settlement failed');
  }
}
