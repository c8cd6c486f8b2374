import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { conflict } from '../common/problem.js';

/**
 * Rule 8: a case note sent twice with the same idempotency key is stored once (modelled on Stripe's
 * idempotent requests).
 *
 * - Keys are scoped to the caller (principal kind and id): two integrations may use the same key.
 * - The key is stored with a SHA-256 fingerprint of the request (method, path, canonical JSON body).
 *   The same key with the same request answers the stored response (same note id); the same key with
 *   a different request is refused with 409.
 * - The key row is inserted with the work it stands for: by the very statement that writes a note
 *   (write-note.ts), by the transaction that amends one (claimIdempotencyKey, first). Of several
 *   concurrent requests with one key, the primary key lets exactly one insert; the others wait for its
 *   transaction and then replay what it stored (or, if it rolled back, take the key themselves).
 *   Never check-then-insert.
 * - Only successful requests are remembered: a request refused (400, 404, 422, ...) rolls back with its
 *   key, so the caller may fix it and retry with the same key.
 * - Keys are kept at least IDEMPOTENCY_KEY_TTL_HOURS (24 by default); a repeatable job prunes older ones.
 */

/** Visible ASCII, 1-255 characters (a UUID is the usual choice). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** One request that carried an Idempotency-Key. */
export interface IdempotentRequest {
  key: string;
  /** requestFingerprint() of the request. */
  fingerprint: string;
  /** Tells the caller (Idempotent-Replayed: true) that the response is a stored one. */
  markReplayed(): void;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim = { claimed: true } | { claimed: false; stored: StoredResponse };

/** JSON with object keys sorted at every level, so that key order and whitespace never change a fingerprint. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 (hex) of the method, the path (without query) and the canonical JSON body. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()}\n${path.split('?')[0]}\n${canonicalJson(body ?? null)}`, 'utf8')
    .digest('hex');
}

/** A stored key answers a request only when it was made with the same request. */
export function matchesStored(storedFingerprint: string, fingerprint: string): boolean {
  return storedFingerprint.trim() === fingerprint;
}

const keyReused = () =>
  conflict(
    'idempotency-key-reused',
    'This Idempotency-Key was already used with a different request (method, path or body); use a new key for a new request',
  );

/**
 * Taking a key as a clause of a caller's statement: inserts the key row (with its response) for each row
 * of `source`, or nothing when the key is taken — after waiting for the transaction that holds it. With
 * no request it inserts nothing. Placeholders start at `$firstParam`.
 */
export function claimClause(
  principal: Pick<Principal, 'kind' | 'id'>,
  request: Pick<IdempotentRequest, 'key' | 'fingerprint'> | undefined,
  response: StoredResponse | undefined,
  source: string,
  firstParam: number,
): { sql: string; params: unknown[] } {
  if (!request) return { sql: 'SELECT 1 WHERE false', params: [] };
  const $ = (i: number) => `$${firstParam + i}`;
  return {
    sql: `INSERT INTO idempotency_keys (principal_kind, principal_id, key, request_hash, response_status, response_body)
          SELECT ${$(0)}, ${$(1)}::uuid, ${$(2)}, ${$(3)}, ${$(4)}::int, ${$(5)}::jsonb FROM ${source}
          ON CONFLICT DO NOTHING
          RETURNING 1`,
    params: [principal.kind, principal.id, request.key, request.fingerprint, response?.status ?? null, response ? JSON.stringify(response.body) : null],
  };
}

/**
 * The response stored under a key, when the key was taken with the same request; 409 when it was taken
 * with another; undefined when nobody has taken it.
 */
export async function findStoredResponse(em: EntityManager, principal: Principal, request: IdempotentRequest): Promise<StoredResponse | undefined> {
  const [row] = await em.query(
    `SELECT request_hash, response_status, response_body FROM idempotency_keys
      WHERE principal_kind = $1 AND principal_id = $2 AND key = $3`,
    [principal.kind, principal.id, request.key],
  );
  if (!row) return undefined;
  if (!matchesStored(row.request_hash, request.fingerprint)) throw keyReused();
  if (row.response_status === null) {
    throw conflict('idempotency-key-in-progress', 'A request with this Idempotency-Key is still being processed; retry shortly');
  }
  return { status: row.response_status, body: row.response_body };
}

/**
 * Takes the key for this request inside `em`'s transaction, or finds the response stored under it.
 * Call first in the transaction that does the work. When the response is known before the work is done
 * (the note's id is made by the application), pass it to store it at once; otherwise store it at the end
 * with completeIdempotentRequest().
 */
export async function claimIdempotencyKey(
  em: EntityManager,
  principal: Principal,
  request: IdempotentRequest,
  response?: StoredResponse,
): Promise<Claim> {
  const claim = claimClause(principal, request, response, '(SELECT 1) AS one', 1);
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted: unknown[] = await em.query(claim.sql, claim.params);
    if (inserted.length === 1) return { claimed: true };
    // Another request holds (held) the key: its transaction has committed by now (the insert waited for it).
    const stored = await findStoredResponse(em, principal, request);
    if (stored) return { claimed: false, stored };
    // pruned in between: try to take it again
  }
  throw conflict('idempotency-key-in-progress', 'A request with this Idempotency-Key is still being processed; retry shortly');
}

/** Stores the response under the key, in the transaction that claimed it. */
export async function completeIdempotentRequest(
  em: EntityManager,
  principal: Principal,
  request: IdempotentRequest,
  response: StoredResponse,
): Promise<void> {
  await em.query(
    `UPDATE idempotency_keys SET response_status = $4, response_body = $5
      WHERE principal_kind = $1 AND principal_id = $2 AND key = $3`,
    [principal.kind, principal.id, request.key, response.status, JSON.stringify(response.body)],
  );
}

/** Forgets keys older than `ttlHours`; returns how many. */
export async function pruneIdempotencyKeys(em: EntityManager, ttlHours: number): Promise<number> {
  const [, affected] = await em.query(
    `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`,
    [ttlHours],
  );
  return Number(affected ?? 0);
}
