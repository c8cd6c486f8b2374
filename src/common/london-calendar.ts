/**
 * The provider's calendar is Europe/London: "today", census dates and quarters are London dates.
 * Calendar dates travel as 'YYYY-MM-DD' strings; arithmetic is done on UTC midnights so that no
 * local time zone or daylight-saving change can move a date.
 */
export const LONDON = 'Europe/London';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const londonDateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: LONDON,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** True for a real calendar date written YYYY-MM-DD (so 2027-02-30 is false). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || year > 2999) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function toUtcMidnight(date: string): Date {
  if (!isCalendarDate(date)) throw new RangeError(`Not a calendar date: ${date}`);
  return new Date(`${date}T00:00:00Z`);
}

function formatUtcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The London calendar date of an instant. */
export function londonDateOf(instant: Date): string {
  return londonDateFormat.format(instant);
}

/** Today's date in London. */
export function todayInLondon(now: Date = new Date()): string {
  return londonDateOf(now);
}

export function addDays(date: string, days: number): string {
  const d = toUtcMidnight(date);
  d.setUTCDate(d.getUTCDate() + days);
  return formatUtcDate(d);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcMidnight(to).getTime() - toUtcMidnight(from).getTime()) / 86_400_000);
}

/** True when `date` lies within [from, to], all inclusive calendar dates. */
export function isWithin(date: string, from: string, to: string): boolean {
  return from <= date && date <= to;
}

/** The instant a London calendar date ends (the first instant of the next London day). */
export function endOfLondonDay(date: string): Date {
  const next = addDays(date, 1);
  // London is UTC+0 or UTC+1: find the UTC instant whose London date first becomes `next`.
  const candidate = toUtcMidnight(next);
  const earlier = new Date(candidate.getTime() - 3_600_000);
  return londonDateOf(earlier) === next ? earlier : candidate;
}
