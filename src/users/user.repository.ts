import type { DataSource, EntityManager } from 'typeorm';
import { rows } from '../database/database.repository.js';
import { sql } from '../database/sql.js';
import type { Role } from '../auth/principal.js';

/** SQL about users that runs outside the Nest application (start-up and the admin CLI). */
type Db = DataSource | EntityManager;

interface UserRow {
  id: string;
  name: string;
  email: string;
  role: Role;
}

export interface UserRecord {
  id: string;
  name: string;
  email: string;
  role: Role;
}

const toUser = (row: UserRow): UserRecord => ({ id: row.id, name: row.name, email: row.email, role: row.role });

/** Whether at least one administrator exists (whether or not their token is still valid). */
export async function administratorExists(db: Db): Promise<boolean> {
  const [row] = await rows<{ exists: boolean }>(db, sql`SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin') AS exists`);
  return row.exists;
}

/**
 * Inserts a user holding the token whose hash is given; undefined when the email is taken (the
 * unique index on lower(email) decides).
 */
export async function insertUser(
  db: Db,
  user: { name: string; email: string; role: Role; tokenHash: string },
): Promise<UserRecord | undefined> {
  const [row] = await rows<UserRow>(
    db,
    sql`INSERT INTO users (name, email, role, token_hash, token_issued_at)
        VALUES (${user.name}, ${user.email}, ${user.role}, ${user.tokenHash}, now())
        ON CONFLICT DO NOTHING
        RETURNING id, name, email, role`,
  );
  return row ? toUser(row) : undefined;
}

/**
 * Inserts the bootstrap administrator holding the token whose hash is given, unless an administrator
 * exists; whether it was inserted.
 */
export async function insertBootstrapAdmin(db: Db, tokenHash: string): Promise<boolean> {
  const inserted = await rows<{ id: string }>(
    db,
    sql`INSERT INTO users (name, email, role, token_hash, token_issued_at)
        SELECT 'Bootstrap administrator', 'bootstrap-admin@localhost', 'admin', ${tokenHash}, now()
         WHERE NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin')
        ON CONFLICT DO NOTHING
        RETURNING id`,
  );
  return inserted.length > 0;
}
