import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { RedisHealth } from './redis-health.js';
import { createRedisClient } from './redis.js';

export const REDIS = Symbol('REDIS');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One shared ioredis client for the service's own use (health, rate limits), and Redis's health as a dependency. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    RedisHealth,
    {
      provide: REDIS,
      inject: [AppConfig, RedisHealth],
      useFactory: (config: AppConfig, health: RedisHealth) => {
        const client = createRedisClient(config.redisUrl, 'app');
        health.watch(client);
        return client;
      },
    },
    RedisCloser,
  ],
  exports: [REDIS, RedisHealth],
})
export class RedisModule {}
