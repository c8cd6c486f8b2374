import { rateLimitDecision, rateLimitWindow } from './rate-limit.js';

describe('integration rate limit', () => {
  it('puts instants in fixed one-minute windows and says how long is left', () => {
    expect(rateLimitWindow(120_000)).toEqual({ index: 2, remainingMs: 60_000 });
    expect(rateLimitWindow(179_001)).toEqual({ index: 2, remainingMs: 999 });
  });

  it('allows up to the limit, then refuses until the window ends', () => {
    expect(rateLimitDecision(600, 600, 30_000)).toEqual({ allowed: true, limit: 600, remaining: 0, retryAfterSeconds: 30 });
    expect(rateLimitDecision(601, 600, 30_000)).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 30 });
    expect(rateLimitDecision(1, 600, 1)).toMatchObject({ allowed: true, remaining: 599, retryAfterSeconds: 1 });
  });

  it('never asks to retry after less than a second', () => {
    expect(rateLimitDecision(5, 1, 10).retryAfterSeconds).toBe(1);
  });
});
