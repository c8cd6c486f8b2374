import { DataSource } from 'typeorm';
import { hashSecret } from '../auth/tokens.js';

/**
 * Creates the first administrator, whose token is BOOTSTRAP_ADMIN_TOKEN, when no administrator exists.
 * Runs under the migrations advisory lock, so processes starting together create it once.
 * Returns whether one was created.
 */
export async function ensureBootstrapAdmin(dataSource: DataSource, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  const rows = await dataSource.query(
    `INSERT INTO users (name, email, role, token_hash, token_issued_at)
     SELECT 'Bootstrap administrator', 'bootstrap-admin@localhost', 'admin', $1, now()
      WHERE NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin')
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [hashSecret(token)],
  );
  return rows.length > 0;
}
