import { createHash, randomBytes } from 'node:crypto';

/** Prefixes tell the two kinds of credential apart (and make leaked ones easy to search for). */
export const USER_TOKEN_PREFIX = 'sbu_';
export const INTEGRATION_KEY_PREFIX = 'sbk_';

/** A new secret: 256 random bits. Only its hash is ever stored. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** SHA-256 is enough for 256-bit random secrets (no dictionary to guess from); it keeps lookups one index probe. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
