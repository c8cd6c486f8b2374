import { createHash } from 'node:crypto';
import { canonicalJson, IDEMPOTENCY_KEY_PATTERN, matchesStored, requestFingerprint } from './idempotency.js';

const note = { category: 'progress', body: 'Finished the clay pot', occurredAt: '2026-10-10T11:30:00Z' };
const path = '/api/v1/participants/0190c5a8-0000-7000-8000-000000000001/case-notes';

describe('idempotency fingerprints', () => {
  it('writes JSON with keys sorted at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });

  it('is the SHA-256 of method, path and canonical body', () => {
    const expected = createHash('sha256').update(`POST\n${path}\n${canonicalJson(note)}`).digest('hex');
    expect(requestFingerprint('post', path, note)).toBe(expected);
  });

  it('does not depend on key order, whitespace or the query string', () => {
    const reordered = JSON.parse(`{ "occurredAt": "2026-10-10T11:30:00Z",  "body": "Finished the clay pot", "category": "progress" }`);
    expect(requestFingerprint('POST', path, reordered)).toBe(requestFingerprint('POST', path, note));
    expect(requestFingerprint('POST', `${path}?x=1`, note)).toBe(requestFingerprint('POST', path, note));
  });

  it('changes with any field, the path or the method', () => {
    const base = requestFingerprint('POST', path, note);
    expect(requestFingerprint('POST', path, { ...note, body: 'Finished the clay pot!' })).not.toBe(base);
    expect(requestFingerprint('POST', path, { ...note, sessionId: '0190c5a8-0000-7000-8000-000000000002' })).not.toBe(base);
    expect(requestFingerprint('POST', path.replace('0001', '0002'), note)).not.toBe(base);
    expect(requestFingerprint('PUT', path, note)).not.toBe(base);
  });

  it('replays only a request with the stored fingerprint', () => {
    const stored = requestFingerprint('POST', path, note);
    expect(matchesStored(stored, requestFingerprint('POST', path, { ...note }))).toBe(true);
    expect(matchesStored(stored, requestFingerprint('POST', path, { ...note, category: 'general' }))).toBe(false);
  });

  it('accepts 1-255 visible ASCII characters as a key', () => {
    expect(IDEMPOTENCY_KEY_PATTERN.test('0190c5a8-0000-7000-8000-000000000001')).toBe(true);
    expect(IDEMPOTENCY_KEY_PATTERN.test('x'.repeat(255))).toBe(true);
    expect(IDEMPOTENCY_KEY_PATTERN.test('x'.repeat(256))).toBe(false);
    expect(IDEMPOTENCY_KEY_PATTERN.test('')).toBe(false);
    expect(IDEMPOTENCY_KEY_PATTERN.test('two words')).toBe(false);
    expect(IDEMPOTENCY_KEY_PATTERN.test('clé')).toBe(false);
  });
});
