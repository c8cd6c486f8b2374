import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { REDIS } from '../redis/redis.module.js';

/** What the server keeps of a board session. */
export interface BoardSession {
  userId: string;
  /** tokenFingerprint of the user's token hash at login: a revoked or reissued token no longer matches. */
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Board sessions in Redis, under the key of the session id's SHA-256 (a copy of Redis holds no usable
 * cookie), expiring on their own. Every API process shares them. Redis errors are thrown: without Redis
 * the board cannot show anything anyway (503).
 */
@Injectable()
export class BoardSessionStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  private key(idHash: string): string {
    return `${this.config.bullPrefix}:queue-board:session:${idHash}`;
  }

  async save(idHash: string, session: BoardSession): Promise<void> {
    await this.redis.set(this.key(idHash), JSON.stringify(session), 'PX', Math.max(1, session.expiresAt - Date.now()));
  }

  async find(idHash: string): Promise<BoardSession | undefined> {
    const value = await this.redis.get(this.key(idHash));
    if (!value) return undefined;
    const session = JSON.parse(value) as BoardSession;
    return session.expiresAt > Date.now() ? session : undefined;
  }

  async delete(idHash: string): Promise<void> {
    await this.redis.del(this.key(idHash));
  }
}
