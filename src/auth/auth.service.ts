import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { INTEGRATION_KEY_PREFIX, hashSecret } from './tokens.js';
import type { Principal } from './principal.js';
import { TokenCache } from './token-cache.js';

/**
 * Turns a bearer token into a principal: from this process's TokenCache while it hears of every change to
 * tokens, else from the database. Either way a revoked token stops working on the next request in the
 * process that revoked it (`tokensChanged`), and within milliseconds in every other.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: TokenCache,
  ) {}

  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = hashSecret(token);
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const mark = this.cache.mark();
    const principal = await this.lookUp(token, hash);
    if (principal) this.cache.set(hash, principal, mark);
    return principal;
  }

  /** This process revoked or reissued a token, or changed its holder: forget what it knows of tokens. */
  tokensChanged(): void {
    this.cache.forgetAll();
  }

  private async lookUp(token: string, hash: string): Promise<Principal | undefined> {
    if (token.startsWith(INTEGRATION_KEY_PREFIX)) {
      const [row] = await this.dataSource.query(
        'SELECT id, name, scopes FROM integrations WHERE key_hash = $1 AND revoked_at IS NULL',
        [hash],
      );
      return row ? { kind: 'integration', id: row.id, name: row.name, scopes: row.scopes } : undefined;
    }
    const [row] = await this.dataSource.query('SELECT id, name, role FROM users WHERE token_hash = $1', [hash]);
    return row ? { kind: 'user', id: row.id, name: row.name, role: row.role } : undefined;
  }
}
