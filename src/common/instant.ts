import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isCalendarDate } from './london-calendar.js';

/** YYYY-MM-DDTHH:MM[:SS[.fraction]] followed by Z or an offset: an instant nobody can read two ways. */
const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** True for an ISO-8601 instant with a time zone (`2026-10-10T09:30:00Z`) on a real calendar date. */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = INSTANT.exec(value);
  return match !== null && isCalendarDate(match[1]) && !Number.isNaN(Date.parse(value));
}

/** An ISO-8601 instant with a time zone (Z or ±HH:MM); a date alone or a local time is refused. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value: unknown) => isInstant(value),
        defaultMessage: () => '$property must be an ISO-8601 instant with a time zone, e.g. 2026-10-10T09:30:00Z',
      },
    },
    options,
  );
}
