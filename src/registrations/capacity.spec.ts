import { assertFits, assertWithinCapacityLimit } from './capacity.js';

describe('capacity rules', () => {
  it('refuses a capacity below the registered count, naming the field', () => {
    expect(() => assertFits({ places: 12, registered: 9 }, 8)).toThrow(/9 participants are registered/);
    expect(() => assertFits({ places: 12, registered: 9 }, 9)).not.toThrow();
  });
  it('keeps capacities within 1..SESSION_CAPACITY_LIMIT', () => {
    expect(() => assertWithinCapacityLimit(0, 12)).toThrow(/between 1 and 12/);
    expect(() => assertWithinCapacityLimit(13, 12)).toThrow(/between 1 and 12/);
    expect(() => assertWithinCapacityLimit(12, 12)).not.toThrow();
  });
});
