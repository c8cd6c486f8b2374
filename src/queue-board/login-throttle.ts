import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { rateLimitDecision, rateLimitWindow } from '../auth/rate-limit.js';
import { tooManyRequests } from '../common/problem.js';
import { AppConfig } from '../config/app-config.js';
import { REDIS } from '../redis/redis.module.js';

/** Login attempts are counted in fixed windows of this length, per client address. */
export const LOGIN_WINDOW_MS = 15 * 60_000;

/**
 * QUEUE_BOARD_LOGIN_ATTEMPTS login attempts per client address per 15-minute window, counted in Redis
 * (every API process shares the count), so the login form is no oracle to guess tokens with. A
 * successful login forgets the address's count. Unlike the integration rate limit this one fails closed:
 * if Redis does not answer, the attempt is refused (and no session could be stored anyway).
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  private key(client: string, window: number): string {
    return `${this.config.bullPrefix}:queue-board:login:${client}:${window}`;
  }

  /** Counts one attempt from `client`; throws 429 (with Retry-After) beyond the limit. */
  async consume(client: string, nowMs = Date.now()): Promise<void> {
    const window = rateLimitWindow(nowMs, LOGIN_WINDOW_MS);
    const key = this.key(client, window.index);
    const results = await this.redis.multi().incr(key).pexpire(key, window.remainingMs + 1000).exec();
    const [error, count] = results?.[0] ?? [new Error('Redis refused the login count'), 0];
    if (error) throw error;
    const decision = rateLimitDecision(Number(count), this.config.queueBoard.loginAttempts, window.remainingMs);
    if (!decision.allowed) {
      throw tooManyRequests(
        `Too many login attempts from this address: at most ${decision.limit} every 15 minutes; retry after ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
      );
    }
  }

  /** A successful login: the address starts afresh. */
  async forget(client: string, nowMs = Date.now()): Promise<void> {
    await this.redis.del(this.key(client, rateLimitWindow(nowMs, LOGIN_WINDOW_MS).index));
  }
}
