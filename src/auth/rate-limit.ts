import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { dependencyUnavailable, tooManyRequests } from '../common/problem.js';
import { AppConfig } from '../config/app-config.js';
import { RedisHealth } from '../redis/redis-health.js';
import { REDIS } from '../redis/redis.module.js';

export const RATE_LIMIT_WINDOW_MS = 60_000;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends (what Retry-After says). */
  retryAfterSeconds: number;
}

/** Fixed one-minute windows: the window an instant falls in, and how long it has left. */
export function rateLimitWindow(nowMs: number, windowMs = RATE_LIMIT_WINDOW_MS): { index: number; remainingMs: number } {
  const index = Math.floor(nowMs / windowMs);
  return { index, remainingMs: (index + 1) * windowMs - nowMs };
}

/** The `count`-th request of a window is allowed while count <= limit. */
export function rateLimitDecision(count: number, limit: number, remainingMs: number): RateLimitDecision {
  return {
    allowed: count <= limit,
    limit,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: Math.max(1, Math.ceil(remainingMs / 1000)),
  };
}

/** INCR and, on a window's first request, PEXPIRE, atomically (a counter never outlives its window). */
const COUNT_COMMAND = 'shortBreaksRateLimitCount';
const COUNT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/**
 * Requests per minute per integration key (INTEGRATION_RATE_LIMIT_PER_MINUTE), counted in Redis so that
 * every API process shares the count. If Redis does not answer, an integration key's request is answered
 * 503 with Retry-After (an unlimited key could otherwise flood the service exactly when it is weakest);
 * the outage is logged once by RedisHealth, not once per request.
 */
@Injectable()
export class IntegrationRateLimiter {
  private readonly count: (key: string, ttlMs: string) => Promise<number>;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly config: AppConfig,
    private readonly redisHealth: RedisHealth,
  ) {
    // Sent once, then called by its SHA (ioredis reloads it if Redis forgot it).
    if (!(COUNT_COMMAND in redis)) redis.defineCommand(COUNT_COMMAND, { numberOfKeys: 1, lua: COUNT_SCRIPT });
    const command = (redis as unknown as Record<string, (key: string, ttlMs: string) => Promise<number>>)[COUNT_COMMAND];
    this.count = command.bind(redis);
  }

  /** Counts one request; throws 429 (with Retry-After) beyond the limit, 503 when Redis does not answer. */
  async consume(integrationId: string, nowMs = Date.now()): Promise<RateLimitDecision> {
    const window = rateLimitWindow(nowMs);
    const key = `${this.config.bullPrefix}:rate-limit:integration:${integrationId}:${window.index}`;
    let count: number;
    try {
      count = Number(await this.count(key, String(window.remainingMs + 1000)));
    } catch (error) {
      // logged as part of the Redis outage (once), not once per request
      this.redisHealth.commandFailed(error, 'Rate limit not checked: Redis did not answer');
      throw dependencyUnavailable('Redis (which counts integration keys\' requests)');
    }
    const decision = rateLimitDecision(count, this.config.integrationRateLimitPerMinute, window.remainingMs);
    if (!decision.allowed) {
      throw tooManyRequests(
        `This API key made more than ${decision.limit} requests this minute; retry after ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
      );
    }
    return decision;
  }
}
