import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '../auth/principal.js';

/** A user as a board session checks them on every request. */
export interface BoardUser {
  id: string;
  name: string;
  role: Role;
  /** The hash of the user's current token; null once revoked. */
  tokenHash: string | null;
}

interface UserRow {
  id: string;
  name: string;
  role: Role;
  token_hash: string | null;
}

/** The SQL of the queue board's sessions: the user a session belongs to, read afresh on every request. */
@Injectable()
export class BoardAdminRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string): Promise<BoardUser | undefined> {
    const [row]: UserRow[] = await this.dataSource.query(`SELECT id, name, role, token_hash FROM users WHERE id = $1`, [id]);
    return row && { id: row.id, name: row.name, role: row.role, tokenHash: row.token_hash };
  }
}
