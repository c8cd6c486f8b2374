import { assertFits, placesFor } from './capacity.js';

describe('places of a programme-term', () => {
  it('is the programme capacity when there are no sessions yet', () => {
    expect(placesFor(12, [])).toBe(12);
  });
  it('is the smallest session capacity when a session is smaller', () => {
    expect(placesFor(12, [12, 8, 10])).toBe(8);
  });
  it('never exceeds the programme capacity', () => {
    expect(placesFor(10, [12, 12])).toBe(10);
  });
  it('refuses a capacity below the registered count, naming the field', () => {
    expect(() => assertFits({ places: 12, registered: 9 }, 8)).toThrow(/9 participants are registered/);
    expect(() => assertFits({ places: 12, registered: 9 }, 9)).not.toThrow();
  });
});
