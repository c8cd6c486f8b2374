import { staffNeeded } from './readiness.js';

describe('staff needed (rule 15)', () => {
  it('is ⌈group ÷ ratio⌉ + one_to_one + 2 × two_to_one', () => {
    expect(staffNeeded({ group: 0, one_to_one: 0, two_to_one: 0 }, 4)).toBe(0);
    expect(staffNeeded({ group: 4, one_to_one: 0, two_to_one: 0 }, 4)).toBe(1);
    expect(staffNeeded({ group: 5, one_to_one: 0, two_to_one: 0 }, 4)).toBe(2);
    expect(staffNeeded({ group: 9, one_to_one: 1, two_to_one: 1 }, 4)).toBe(6);
    expect(staffNeeded({ group: 3, one_to_one: 0, two_to_one: 0 }, 1)).toBe(3);
  });
});
