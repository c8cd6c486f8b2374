import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { INTEGRATION_KEY_PREFIX, hashSecret } from './tokens.js';
import type { Principal } from './principal.js';

/** Turns a bearer token into a principal. No cache: a revoked token stops working on the next request. */
@Injectable()
export class AuthService {
  constructor(private readonly dataSource: DataSource) {}

  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = hashSecret(token);
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
