import { retentionCutoff } from './retention.js';

describe('retentionCutoff', () => {
  it('goes back whole years on the London calendar', () => {
    expect(retentionCutoff('2032-11-26', 6)).toBe('2026-11-26');
    expect(retentionCutoff('2027-01-01', 1)).toBe('2026-01-01');
  });

  it('falls back to 28 February from a 29 February', () => {
    expect(retentionCutoff('2028-02-29', 6)).toBe('2022-02-28');
    expect(retentionCutoff('2028-02-29', 4)).toBe('2024-02-29');
  });
});
