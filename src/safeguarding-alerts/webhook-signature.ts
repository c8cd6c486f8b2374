import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Signature';
export const TIMESTAMP_HEADER = 'X-Signature-Timestamp';

/**
 * `sha256=<hex>`: HMAC-SHA256 of the raw request body with the shared secret. The body carries the
 * time it was sent (`sentAt`, also in X-Signature-Timestamp as Unix seconds), so the signature covers it
 * and a receiver can refuse replayed deliveries.
 */
export function signBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/** What a receiver does: recompute and compare in constant time. */
export function verifySignature(secret: string, rawBody: string, signature: string): boolean {
  const expected = Buffer.from(signBody(secret, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The headers of one signed delivery. */
export function signedHeaders(secret: string, rawBody: string, sentAt: Date): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    [SIGNATURE_HEADER]: signBody(secret, rawBody),
    [TIMESTAMP_HEADER]: String(Math.floor(sentAt.getTime() / 1000)),
  };
}
