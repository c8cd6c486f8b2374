import { billableCensusRange, isBillableQuarter, isQuarter, normalizeQuarter, parseQuarter, previousQuarter, quarterOf } from './quarter.js';

describe('quarters (calendar quarters of the London calendar)', () => {
  it.each([
    ['2026-01-01', '2026-Q1'],
    ['2026-03-31', '2026-Q1'],
    ['2026-04-01', '2026-Q2'],
    ['2026-06-30', '2026-Q2'],
    ['2026-07-01', '2026-Q3'],
    ['2026-09-30', '2026-Q3'],
    ['2026-10-01', '2026-Q4'],
    ['2026-12-31', '2026-Q4'],
  ])('%s is in %s', (date, quarter) => {
    expect(quarterOf(date)).toBe(quarter);
  });

  it('knows each quarter’s first and last day, leap years included', () => {
    expect(parseQuarter('2028-Q1')).toMatchObject({ startsOn: '2028-01-01', endsOn: '2028-03-31' });
    expect(parseQuarter('2026-Q2')).toMatchObject({ startsOn: '2026-04-01', endsOn: '2026-06-30' });
    expect(parseQuarter('2026-Q3')).toMatchObject({ startsOn: '2026-07-01', endsOn: '2026-09-30' });
    expect(parseQuarter('2026-Q4')).toMatchObject({ year: 2026, number: 4, startsOn: '2026-10-01', endsOn: '2026-12-31' });
  });

  it('refuses what is not a quarter', () => {
    expect(isQuarter('2026-Q4')).toBe(true);
    for (const bad of ['2026-Q0', '2026-Q5', '2026Q4', '26-Q1', '2026-q1', '', 2026]) expect(isQuarter(bad)).toBe(false);
    expect(() => parseQuarter('2026-Q5')).toThrow(RangeError);
  });

  it('the scheduled run on a quarter’s first day bills the previous quarter, across the year end', () => {
    expect(previousQuarter('2027-01-01')).toBe('2026-Q4');
    expect(previousQuarter('2026-04-01')).toBe('2026-Q1');
    expect(previousQuarter('2026-07-01')).toBe('2026-Q2');
    expect(previousQuarter('2026-10-01')).toBe('2026-Q3');
  });

  it('bills census dates inside the quarter and not after the day of the run', () => {
    expect(billableCensusRange('2026-Q4', '2026-11-26')).toEqual({ from: '2026-10-01', to: '2026-11-26' });
    expect(billableCensusRange('2026-Q3', '2026-11-26')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(billableCensusRange('2026-Q4', '2026-10-01')).toEqual({ from: '2026-10-01', to: '2026-10-01' });
    expect(billableCensusRange('2027-Q1', '2026-11-26')).toBeNull();
  });
});

describe('quarters a caller may ask for (issue 8)', () => {
  it('years from 2000 to 2100 only: 0000-Q1 and 1800-Q1 are mistakes, not quarters to bill', () => {
    for (const ok of ['2000-Q1', '2026-Q4', '2100-Q4']) expect(isBillableQuarter(ok)).toBe(true);
    for (const bad of ['0000-Q1', '1800-Q1', '1999-Q4', '2101-Q1', '9999-Q4', '2026-q4', '2026-Q5', 2026, null]) expect(isBillableQuarter(bad)).toBe(false);
  });

  it('a lower-case q is the same quarter, written in upper case; anything else is left for validation to refuse', () => {
    expect(normalizeQuarter('2026-q4')).toBe('2026-Q4');
    expect(normalizeQuarter('2026-Q4')).toBe('2026-Q4');
    for (const other of ['2026-x4', ' 2026-q4', 'q4-2026', 42, undefined]) expect(normalizeQuarter(other)).toBe(other);
  });
});
