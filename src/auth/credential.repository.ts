import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { one } from '../database/database.repository.js';
import { sql } from '../database/sql.js';
import type { Principal, Role, Scope } from './principal.js';

interface UserRow {
  id: string;
  name: string;
  role: Role;
}

interface IntegrationRow {
  id: string;
  name: string;
  scopes: Scope[];
}

/** Who holds a token or an integration key, looked up by the secret's hash (never the secret itself). */
@Injectable()
export class CredentialRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The user whose current token has this hash. */
  async userByTokenHash(hash: string): Promise<Principal | undefined> {
    const row = await one<UserRow>(this.dataSource, sql`SELECT id, name, role FROM users WHERE token_hash = ${hash}`);
    return row && { kind: 'user', id: row.id, name: row.name, role: row.role };
  }

  /** The integration whose unrevoked key has this hash. */
  async integrationByKeyHash(hash: string): Promise<Principal | undefined> {
    const row = await one<IntegrationRow>(
      this.dataSource,
      sql`SELECT id, name, scopes FROM integrations WHERE key_hash = ${hash} AND revoked_at IS NULL`,
    );
    return row && { kind: 'integration', id: row.id, name: row.name, scopes: row.scopes };
  }
}
