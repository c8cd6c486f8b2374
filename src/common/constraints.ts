import { violatedConstraint } from '../database/pg-errors.js';
import { ProblemError } from './problem.js';

/**
 * Runs `work`, turning violations of the named constraints into the given problems. The database
 * holds the invariant; this only words the refusal. The one translation of constraint names into
 * problems: every service that relies on a unique or exclusion constraint goes through it.
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
