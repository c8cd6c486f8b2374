import { ProblemError } from '../common/problem.js';
import { assertTermDates, censusQuarters } from './term-dates.js';

const refusal = (dates: Parameters<typeof assertTermDates>[0]) => {
  try {
    assertTermDates(dates);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    const problem = error as ProblemError;
    return { status: problem.status, code: problem.code, field: problem.errors?.[0]?.field };
  }
};

describe('term dates', () => {
  it('accept a census on the first day, the last day or in between, and a one-day term', () => {
    expect(refusal({ startsOn: '2026-09-01', endsOn: '2026-12-18', censusDate: '2026-09-01' })).toBeUndefined();
    expect(refusal({ startsOn: '2026-09-01', endsOn: '2026-12-18', censusDate: '2026-12-18' })).toBeUndefined();
    expect(refusal({ startsOn: '2026-09-01', endsOn: '2026-12-18', censusDate: '2026-10-01' })).toBeUndefined();
    expect(refusal({ startsOn: '2026-09-01', endsOn: '2026-09-01', censusDate: '2026-09-01' })).toBeUndefined();
  });

  it('refuse a term that ends before it starts (naming endsOn) and a census outside the term (naming censusDate)', () => {
    expect(refusal({ startsOn: '2026-09-01', endsOn: '2026-08-31', censusDate: '2026-09-01' })).toEqual({ status: 422, code: 'term-dates', field: 'endsOn' });
    expect(refusal({ startsOn: '2026-09-01', endsOn: '2026-12-18', censusDate: '2026-08-31' })).toEqual({
      status: 422,
      code: 'census-outside-term',
      field: 'censusDate',
    });
    expect(refusal({ startsOn: '2026-09-01', endsOn: '2026-12-18', censusDate: '2026-12-19' })).toMatchObject({ code: 'census-outside-term' });
  });
});

describe('census quarters', () => {
  it('are the quarters of the current and the next census, once each, in order', () => {
    expect(censusQuarters('2026-10-01', '2026-10-20')).toEqual(['2026-Q4']);
    expect(censusQuarters('2026-10-01', '2026-09-30')).toEqual(['2026-Q3', '2026-Q4']);
    expect(censusQuarters('2026-09-30', '2026-10-01')).toEqual(['2026-Q3', '2026-Q4']);
    expect(censusQuarters('2027-01-04', '2026-12-31')).toEqual(['2026-Q4', '2027-Q1']);
  });
});
