import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { conflict } from '../common/problem.js';
import { findKey, insertKey, storeResponse, deleteKeysOlderThan } from './idempotency-key.repository.js';
import { ProblemCode } from '../common/problem-codes.js';

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

/** 409: the key's request is still running (or its response was pruned meanwhile). */
export const keyInProgress = () =>
  conflict(ProblemCode.IdempotencyKeyInProgress, 'A request with this Idempotency-Key is still being processed; retry shortly');

const keyReused = () =>
  conflict(
    ProblemCode.IdempotencyKeyReused,
    'This Idempotency-Key was already used with a different request (method, path or body); use a new key for a new request',
  );

/**
 * The response stored under a key, when the key was taken with the same request; 409 when it was taken
 * with another; undefined when nobody has taken it.
 */
export async function findStoredResponse(em: EntityManager, principal: Principal, request: IdempotentRequest): Promise<StoredResponse | undefined> {
  const stored = await findKey(em, principal, request.key);
  if (!stored) return undefined;
  if (!matchesStored(stored.requestHash, request.fingerprint)) throw keyReused();
  if (stored.responseStatus === null) throw keyInProgress();
  return { status: stored.responseStatus, body: stored.responseBody };
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
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await insertKey(em, principal, request, response)) return { claimed: true };
    // Another request holds (held) the key: its transaction has committed by now (the insert waited for it).
    const stored = await findStoredResponse(em, principal, request);
    if (stored) return { claimed: false, stored };
    // pruned in between: try to take it again
  }
  throw keyInProgress();
}

/** Stores the response under the key, in the transaction that claimed it. */
export function completeIdempotentRequest(
  em: EntityManager,
  principal: Principal,
  request: IdempotentRequest,
  response: StoredResponse,
): Promise<void> {
  return storeResponse(em, principal, request.key, response);
}

/** Forgets keys older than `ttlHours`; returns how many. */
export function pruneIdempotencyKeys(em: EntityManager, ttlHours: number): Promise<number> {
  return deleteKeysOlderThan(em, ttlHours);
}
