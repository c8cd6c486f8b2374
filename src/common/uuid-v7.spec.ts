import { uuidv7 } from './uuid-v7.js';

describe('uuidv7', () => {
  it('is a version 7, variant 10 UUID carrying the time in its first 48 bits', () => {
    const id = uuidv7(Date.UTC(2026, 9, 10, 11, 30));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 9, 10, 11, 30));
  });

  it('sorts by time', () => {
    const ids = [3, 1, 2].map((ms) => uuidv7(1_760_000_000_000 + ms));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });

  it('differs between two ids of the same millisecond', () => {
    expect(uuidv7(1)).not.toBe(uuidv7(1));
  });
});
