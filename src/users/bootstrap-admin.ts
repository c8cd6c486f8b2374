import { DataSource } from 'typeorm';
import { hashSecret } from '../auth/tokens.js';
import { insertBootstrapAdmin } from './user.repository.js';

/**
 * Creates the first administrator, whose token is BOOTSTRAP_ADMIN_TOKEN, when no administrator exists.
 * Runs under the migrations advisory lock, so processes starting together create it once.
 * Returns whether one was created.
 */
export async function ensureBootstrapAdmin(dataSource: DataSource, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  return insertBootstrapAdmin(dataSource, hashSecret(token));
}
