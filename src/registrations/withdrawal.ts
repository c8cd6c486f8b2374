import { isWithin, todayInLondon } from '../common/london-calendar.js';
import { ruleBrokenOn } from '../common/problem.js';
import { ProblemCode } from '../common/problem-codes.js';

/**
 * The date a withdrawal takes effect: a given date must lie within the term; the default (today in
 * London) is moved into the term.
 */
export function withdrawalEffectiveOn(given: string | null | undefined, term: { startsOn: string; endsOn: string }): string {
  if (given != null) {
    if (!isWithin(given, term.startsOn, term.endsOn)) {
      throw ruleBrokenOn(ProblemCode.WithdrawalOutsideTerm, 'effectiveOn', `must fall within the term (${term.startsOn} to ${term.endsOn})`);
    }
    return given;
  }
  const today = todayInLondon();
  return today < term.startsOn ? term.startsOn : today > term.endsOn ? term.endsOn : today;
}
