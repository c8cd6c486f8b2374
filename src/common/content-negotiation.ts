import Negotiator from 'negotiator';
import { ProblemError } from './problem.js';
import { ProblemCode } from './problem-codes.js';

/**
 * The media type to answer with, of those `offered` (the first is the default when the request has no
 * Accept header), by the request's Accept header with its q-values; 406 problem when it accepts none.
 */
export function negotiateMediaType<T extends string>(accept: string | undefined, offered: readonly T[]): T {
  if (accept === undefined || accept.trim() === '') return offered[0];
  const chosen = new Negotiator({ headers: { accept } }).mediaType([...offered]) as T | undefined;
  if (!chosen) {
    throw new ProblemError(406, ProblemCode.NotAcceptable, 'Not acceptable', `This resource is available as ${offered.join(' or ')}; the Accept header allows neither`);
  }
  return chosen;
}
