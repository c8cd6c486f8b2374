import { createHash } from 'node:crypto';
import { INTEGRATION_KEY_PREFIX, USER_TOKEN_PREFIX, hashSecret, newSecret } from './tokens.js';

describe('tokens', () => {
  it('are prefixed by kind, URL-safe and carry 256 random bits', () => {
    const user = newSecret(USER_TOKEN_PREFIX);
    const key = newSecret(INTEGRATION_KEY_PREFIX);
    expect(user).toMatch(/^sbu_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatch(/^sbk_[A-Za-z0-9_-]{43}$/);
    const many = new Set(Array.from({ length: 1000 }, () => newSecret(USER_TOKEN_PREFIX)));
    expect(many.size).toBe(1000);
  });

  it('are stored as their SHA-256, hex', () => {
    const secret = newSecret(USER_TOKEN_PREFIX);
    expect(hashSecret(secret)).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hashSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret(secret)).not.toContain(secret);
    expect(hashSecret(`${secret}x`)).not.toBe(hashSecret(secret));
  });
});
