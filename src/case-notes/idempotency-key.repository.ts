import type { Principal } from '../auth/principal.js';
import { affected, execute, one, rows } from '../database/database.repository.js';
import { type Queryable, raw, sql, type Statement } from '../database/sql.js';

/** The SQL over idempotency_keys (rule 8; the rule itself is idempotency.ts). */

type Caller = Pick<Principal, 'kind' | 'id'>;

export interface StoredKey {
  requestHash: string;
  /** null while the request that took the key has not stored its response. */
  responseStatus: number | null;
  responseBody: unknown;
}

interface StoredKeyRow {
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
}

const toStoredKey = (r: StoredKeyRow): StoredKey => ({ requestHash: r.request_hash, responseStatus: r.response_status, responseBody: r.response_body });

/**
 * Taking a key as a clause of a caller's statement: inserts the key row (with its response) for each row
 * of `source` (the name of a CTE), or nothing when the key is taken — after waiting for the transaction
 * that holds it. With no request it inserts nothing.
 */
export function claimKeyClause(
  caller: Caller,
  request: { key: string; fingerprint: string } | undefined,
  response: { status: number; body: unknown } | undefined,
  source: string,
): Statement {
  if (!request) return sql`SELECT 1 WHERE false`;
  return sql`INSERT INTO idempotency_keys (principal_kind, principal_id, key, request_hash, response_status, response_body)
          SELECT ${caller.kind}, ${caller.id}::uuid, ${request.key}, ${request.fingerprint}, ${response?.status ?? null}::int,
                 ${response ? JSON.stringify(response.body) : null}::jsonb FROM ${raw(source)}
          ON CONFLICT DO NOTHING
          RETURNING 1`;
}

/** Takes the key in `db`'s transaction; false when another request holds (or held) it. */
export async function insertKey(
  db: Queryable,
  caller: Caller,
  request: { key: string; fingerprint: string },
  response?: { status: number; body: unknown },
): Promise<boolean> {
  const inserted = await rows(db, claimKeyClause(caller, request, response, '(SELECT 1) AS one'));
  return inserted.length === 1;
}

export async function findKey(db: Queryable, caller: Caller, key: string): Promise<StoredKey | undefined> {
  const row = await one<StoredKeyRow>(
    db,
    sql`SELECT request_hash, response_status, response_body FROM idempotency_keys
         WHERE principal_kind = ${caller.kind} AND principal_id = ${caller.id} AND key = ${key}`,
  );
  return row && toStoredKey(row);
}

export async function storeResponse(db: Queryable, caller: Caller, key: string, response: { status: number; body: unknown }): Promise<void> {
  await execute(
    db,
    sql`UPDATE idempotency_keys SET response_status = ${response.status}, response_body = ${JSON.stringify(response.body)}
         WHERE principal_kind = ${caller.kind} AND principal_id = ${caller.id} AND key = ${key}`,
  );
}

/** Forgets keys older than `ttlHours`; returns how many. */
export function deleteKeysOlderThan(db: Queryable, ttlHours: number): Promise<number> {
  return affected(db, sql`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ${ttlHours})`);
}
