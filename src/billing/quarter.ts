import { addDays } from '../common/london-calendar.js';

/**
 * Quarters are calendar quarters of the provider's (Europe/London) calendar: Q1 = January–March.
 * A term is billed in the quarter that contains its census date.
 */
export const QUARTER_PATTERN = /^(\d{4})-Q([1-4])$/;

export interface Quarter {
  /** '2026-Q4' */
  id: string;
  year: number;
  number: 1 | 2 | 3 | 4;
  /** First day, 'YYYY-MM-DD'. */
  startsOn: string;
  /** Last day, 'YYYY-MM-DD'. */
  endsOn: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function isQuarter(value: unknown): value is string {
  return typeof value === 'string' && QUARTER_PATTERN.test(value);
}

/**
 * The years a quarter may be billed or asked about: the provider's records start after 2000 and nothing
 * is planned beyond 2100. A quarter outside them is a typing mistake (0000-Q1, 1800-Q1), refused with
 * 400 rather than run (a run of 1800-Q1 could only fail).
 */
export const FIRST_QUARTER_YEAR = 2000;
export const LAST_QUARTER_YEAR = 2100;

/** A quarter written the canonical way (2026-Q4) with a year from FIRST_QUARTER_YEAR to LAST_QUARTER_YEAR. */
export function isBillableQuarter(value: unknown): value is string {
  if (!isQuarter(value)) return false;
  const year = Number(value.slice(0, 4));
  return year >= FIRST_QUARTER_YEAR && year <= LAST_QUARTER_YEAR;
}

/** How a caller may write a quarter: `2026-q4` is `2026-Q4` (and answered so). Anything else is left as it is. */
export function normalizeQuarter(value: unknown): unknown {
  return typeof value === 'string' && /^\d{4}-q[1-4]$/.test(value) ? value.toUpperCase() : value;
}

export function parseQuarter(id: string): Quarter {
  const match = QUARTER_PATTERN.exec(id);
  if (!match) throw new RangeError(`Not a quarter: ${id} (write it like 2026-Q4)`);
  const year = Number(match[1]);
  const number = Number(match[2]) as Quarter['number'];
  const firstMonth = (number - 1) * 3 + 1;
  const startsOn = `${year}-${pad(firstMonth)}-01`;
  const nextStart = number === 4 ? `${year + 1}-01-01` : `${year}-${pad(firstMonth + 3)}-01`;
  return { id, year, number, startsOn, endsOn: addDays(nextStart, -1) };
}

/** The quarter containing a calendar date. */
export function quarterOf(date: string): string {
  const [year, month] = date.split('-').map(Number);
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}

/** The quarter before the one containing `date` (what the scheduled run on a quarter's first day bills). */
export function previousQuarter(date: string): string {
  const { year, number } = parseQuarter(quarterOf(date));
  return number === 1 ? `${year - 1}-Q4` : `${year}-Q${number - 1}`;
}

/**
 * The census dates a run of `quarter` on London date `runOn` bills: inside the quarter and not after
 * the day of the run (a census still ahead is billed by a later run of the quarter).
 */
export function billableCensusRange(quarter: string, runOn: string): { from: string; to: string } | null {
  const q = parseQuarter(quarter);
  const to = runOn < q.endsOn ? runOn : q.endsOn;
  return to < q.startsOn ? null : { from: q.startsOn, to };
}
