import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthService } from '../auth/auth.service.js';
import type { Principal } from '../auth/principal.js';
import { hashSecret } from '../auth/tokens.js';
import { forbidden, unauthorized } from '../common/problem.js';
import { AppConfig } from '../config/app-config.js';
import { BoardAdminRepository } from './board-admin.repository.js';
import { isSessionId } from './board-requests.js';
import { BoardSessionStore } from './board-session.store.js';
import { LoginThrottle } from './login-throttle.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * What a session remembers of the token it was opened with: a digest of the token's stored hash (never
 * the token, nor the hash itself). Revoking the token (DELETE /users/:id/token) or issuing a new one
 * changes the stored hash, so the session no longer matches on its very next request.
 */
export function tokenFingerprint(tokenHash: string): string {
  return sha256(`queue-board-session\0${tokenHash}`);
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface OpenedSession {
  /** The cookie's value. */
  id: string;
  maxAgeMs: number;
  principal: Principal;
}

/** Administrators only: 401 for an unknown or revoked token, 403 for anyone else. */
function requireAdmin(principal: Principal | undefined): Principal {
  if (!principal) throw unauthorized('The token is unknown or has been revoked');
  if (principal.kind !== 'user' || principal.role !== 'admin') throw forbidden('Only administrators may see the queues');
  return principal;
}

/**
 * Who may see the queue board, independent of the HTTP framework: scripts send an administrator's bearer
 * token on every request; a browser logs in once with that token through a form and then carries a
 * session cookie. A session is a random id whose SHA-256 keys a server-side record (BoardSessionStore:
 * the user, a fingerprint of their token, the expiry); every request reads the user afresh, so a session
 * ends at once when the user's token is revoked or reissued or they stop being an administrator.
 */
@Injectable()
export class QueueBoardSessions {
  constructor(
    private readonly auth: AuthService,
    private readonly store: BoardSessionStore,
    private readonly users: BoardAdminRepository,
    private readonly throttle: LoginThrottle,
    private readonly config: AppConfig,
  ) {}

  /** A script's bearer token. */
  async principalForToken(token: string): Promise<Principal> {
    return requireAdmin(await this.auth.authenticate(token));
  }

  /**
   * The login form: `client` (the caller's address) may try QUEUE_BOARD_LOGIN_ATTEMPTS times per
   * 15 minutes (429 beyond); an administrator's valid token opens a session (401/403 otherwise).
   */
  async login(token: string, client: string): Promise<OpenedSession> {
    await this.throttle.consume(client);
    const principal = requireAdmin(token.length > 0 && token.length <= 512 ? await this.auth.authenticate(token) : undefined);
    const id = randomBytes(32).toString('base64url');
    const maxAgeMs = this.config.queueBoard.sessionHours * 3_600_000;
    await this.store.save(sha256(id), { userId: principal.id, token: tokenFingerprint(hashSecret(token)), expiresAt: Date.now() + maxAgeMs });
    await this.throttle.forget(client);
    return { id, maxAgeMs, principal };
  }

  /**
   * The administrator a session cookie stands for, or undefined when it names no live session: unknown,
   * expired, logged out, the token revoked or reissued, or the user no longer an administrator (such a
   * session is deleted).
   */
  async principalFor(sessionId: string | undefined): Promise<Principal | undefined> {
    if (!isSessionId(sessionId)) return undefined;
    const key = sha256(sessionId);
    const session = await this.store.find(key);
    if (!session) return undefined;
    const user = await this.users.find(session.userId);
    if (!user || user.role !== 'admin' || !user.tokenHash || !sameText(tokenFingerprint(user.tokenHash), session.token)) {
      await this.store.delete(key);
      return undefined;
    }
    return { kind: 'user', id: user.id, name: user.name, role: user.role };
  }

  async logout(sessionId: string | undefined): Promise<void> {
    if (isSessionId(sessionId)) await this.store.delete(sha256(sessionId));
  }
}
