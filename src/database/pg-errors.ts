/*
 * The one place that reads PostgreSQL's answer out of an error, whichever way it arrives: a TypeORM
 * QueryFailedError (the driver's error under `driverError`, its fields also copied onto the error) or
 * a bare `pg` error.
 */

/** SQLSTATEs the code acts on. */
export const SQLSTATE = {
  UNIQUE_VIOLATION: '23505',
  DEADLOCK_DETECTED: '40P01',
  SERIALIZATION_FAILURE: '40001',
  DUPLICATE_DATABASE: '42P04',
} as const;

interface PgFields {
  code?: unknown;
  constraint?: unknown;
  driverError?: { code?: unknown; constraint?: unknown };
}

/** The error's SQLSTATE (five characters), if PostgreSQL gave one. */
export function sqlState(error: unknown): string | undefined {
  const e = error as PgFields | null | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The name of the database constraint an error violated, if any. */
export function violatedConstraint(error: unknown): string | undefined {
  const e = error as PgFields | null | undefined;
  const constraint = e?.driverError?.constraint ?? e?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === SQLSTATE.UNIQUE_VIOLATION;
}
