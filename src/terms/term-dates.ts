import { ruleBrokenOn } from '../common/problem.js';
import { quarterOf } from '../billing/quarter.js';
import { ProblemCode } from '../common/problem-codes.js';

/** A term's three dates (YYYY-MM-DD). */
export interface TermDates {
  startsOn: string;
  endsOn: string;
  censusDate: string;
}

/**
 * The rules a term's dates obey, on creation and on every correction: the term does not end before it
 * starts, and its census date falls within it (422 naming the field). That terms never overlap is the
 * exclusion constraint terms_no_overlap's to decide.
 */
export function assertTermDates(dates: TermDates): void {
  if (dates.endsOn < dates.startsOn) throw ruleBrokenOn(ProblemCode.TermDates, 'endsOn', 'must not be before startsOn');
  if (dates.censusDate < dates.startsOn || dates.censusDate > dates.endsOn) {
    throw ruleBrokenOn(ProblemCode.CensusOutsideTerm, 'censusDate', 'must fall within the term');
  }
}

/**
 * The billing quarters a correction of a term must hold still while it is written: the quarter its
 * census is billed in now and the one it would be billed in afterwards, once each and in order (every
 * writer of the billing ledger takes quarter locks in this order, so none deadlocks another).
 */
export function censusQuarters(currentCensus: string, nextCensus: string): string[] {
  return [...new Set([quarterOf(currentCensus), quarterOf(nextCensus)])].sort();
}
