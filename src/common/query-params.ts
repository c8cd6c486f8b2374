import { Transform } from 'class-transformer';

/** `?name=` with no value means the filter was not given (rather than a 400 for an empty value). */
export const EmptyMeansAbsent = () => Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));

/** `?q=`: surrounding spaces dropped; nothing left means the filter was not given. */
export const TrimmedSearch = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value));

/**
 * A LIKE pattern matching values that start with `text` taken literally: `%`, `_` and `\` are escaped
 * (backslash is PostgreSQL's default LIKE escape).
 */
export const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, '\\$&')}%`;
