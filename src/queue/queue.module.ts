import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { reconnectDelay } from '../redis/redis.js';
import { OutboxSweeper } from './outbox.js';
import { RepeatableJobs } from './repeatable.js';

/**
 * Bull's shared connection settings, the one outbox sweeper and the one registrar of repeatable jobs.
 * Feature modules register their own queues with BullModule.registerQueue; processors live in
 * worker-only modules so `start:api` never consumes jobs. Failed jobs are kept (removeOnFail: false) and
 * retried with exponential backoff.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        url: config.redisUrl,
        prefix: config.bullPrefix,
        redis: {
          // Reconnect within 2 s of Redis coming back (Bull's own default waits up to 20 s).
          retryStrategy: reconnectDelay,
          // A command on the queue's client fails after one reconnection attempt instead of twenty (about
          // 4 minutes with Bull's backoff): callers (requests, Bull Board, the sweeper) get an answer while
          // Redis is down. Bull gives its subscriber and blocking clients no limit, as it requires.
          maxRetriesPerRequest: 1,
        },
        defaultJobOptions: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: 1000,
          removeOnFail: false,
        },
      }),
    }),
  ],
  providers: [RepeatableJobs, OutboxSweeper],
  exports: [BullModule, RepeatableJobs, OutboxSweeper],
})
export class QueueModule {}
