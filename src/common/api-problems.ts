import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/** Where @nestjs/swagger keeps an operation's responses (its API_RESPONSE_METADATA, not exported). */
const API_RESPONSE_METADATA = 'swagger/apiResponse';

/** What each problem status means in this API (API.md, "Errors"); an operation may say more. */
export const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: a field fails validation (each named in `errors`), an unknown field, malformed JSON or a malformed id',
  401: 'Missing, unknown or revoked token',
  403: 'Your role or scopes do not allow this',
  404: 'No such record',
  406: 'The Accept header allows none of the media types offered',
  409: 'Conflict: a duplicate or a conflicting repeat',
  413: 'The body is larger than the 1 MB limit',
  415: 'The JSON body is not encoded as UTF-8',
  422: 'A business rule refused the request: `type` names the rule and `detail` says why',
  429: 'Too many requests from this integration key: wait the seconds Retry-After says',
  503: 'PostgreSQL or Redis is not answering, or the request ran out of time: nothing was done unless `detail` says otherwise; retry after the seconds Retry-After says',
};

/**
 * The problem statuses an operation's own rules can answer (typically 404 for a record named in the
 * body, 409, 422). Statuses that follow from the operation's shape are added to every operation by the
 * API description itself (see api-docs.ts): 400 when it takes parameters or a body, 404 when its path
 * names a record, 413 and 415 when it takes a body, 429 when it has @Scopes (integration keys are
 * rate-limited), 503 always; @Roles adds 401 and 403. Every
 * error response is `application/problem+json` with the ProblemDetails schema.
 *
 * A status the operation already documents with its own description keeps that description.
 */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor ? descriptor.value : target;
    const existing = (Reflect.getMetadata(API_RESPONSE_METADATA, holder) ?? {}) as Record<string, unknown>;
    const missing = statuses.filter((status) => !(String(status) in existing));
    const decorators = missing.map((status) => ApiResponse({ status, description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem details' }));
    return applyDecorators(...decorators)(target, key as string | symbol, descriptor as PropertyDescriptor);
  };
}
