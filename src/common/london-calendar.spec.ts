import { addDays, daysBetween, endOfLondonDay, isCalendarDate, isWithin, londonDateOf, todayInLondon } from './london-calendar.js';

describe('London calendar', () => {
  it.each([
    ['2026-10-10', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2027-02-30', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-1-10', false],
    ['2026-10-10T00:00:00Z', false],
    ['', false],
    [20261010, false],
    [null, false],
  ])('isCalendarDate(%j) is %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it('takes today from London, not UTC', () => {
    // 23:30 UTC on 10 July is 00:30 on 11 July in London (BST)
    expect(todayInLondon(new Date('2026-07-10T23:30:00Z'))).toBe('2026-07-11');
    // in winter London is on UTC
    expect(todayInLondon(new Date('2026-12-10T23:30:00Z'))).toBe('2026-12-10');
  });

  it('adds days across months, years and clock changes', () => {
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(daysBetween('2026-10-01', '2026-10-31')).toBe(30);
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });

  it('checks inclusive ranges', () => {
    expect(isWithin('2026-09-01', '2026-09-01', '2026-12-18')).toBe(true);
    expect(isWithin('2026-12-18', '2026-09-01', '2026-12-18')).toBe(true);
    expect(isWithin('2026-12-19', '2026-09-01', '2026-12-18')).toBe(false);
  });

  it('finds the end of a London day in summer and winter', () => {
    expect(endOfLondonDay('2026-07-10').toISOString()).toBe('2026-07-10T23:00:00.000Z');
    expect(endOfLondonDay('2026-12-10').toISOString()).toBe('2026-12-11T00:00:00.000Z');
    expect(londonDateOf(new Date(endOfLondonDay('2026-10-24').getTime() - 1))).toBe('2026-10-24');
  });
});
