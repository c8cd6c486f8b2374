import { ProblemError } from './problem.js';

/** The name of the database constraint an error violated, if any. */
export function violatedConstraint(error: unknown): string | undefined {
  const e = error as { constraint?: string; driverError?: { constraint?: string } };
  return e?.driverError?.constraint ?? e?.constraint;
}

/**
 * Runs `work`, turning violations of the named constraints into the given problems. The database
 * holds the invariant; this only words the refusal.
 */
export async function withConstraints<T>(
  work: () => Promise<T>,
  problems: Record<string, () => ProblemError>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const constraint = violatedConstraint(error);
    if (constraint && problems[constraint]) throw problems[constraint]();
    throw error;
  }
}
