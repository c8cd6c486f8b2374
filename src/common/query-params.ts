import { Transform } from 'class-transformer';

/** `?name=` with no value means the filter was not given (rather than a 400 for an empty value). */
export const EmptyMeansAbsent = () => Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));
