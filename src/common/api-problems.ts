import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { type ProblemCode, statusOf } from './problem-codes.js';

/** Where @nestjs/swagger keeps an operation's responses (its API_RESPONSE_METADATA, not exported). */
const API_RESPONSE_METADATA = 'swagger/apiResponse';

/** Where @ApiProblems keeps the problem codes an operation (or every operation of a controller) declares. */
export const PROBLEM_CODES_METADATA = 'problems:codes';

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
 * The problem codes an operation's own rules can answer (typically a record named in the body that
 * does not exist, a duplicate, a business rule), each documented under its status in the catalogue
 * (problem-codes.ts). The codes that follow from the operation's shape are added to every operation by
 * the API description itself (see documentProblems in openapi.ts): invalid-request (400) when it takes
 * parameters or a body, not-found (404) when its path names a record, payload-too-large (413) and
 * unsupported-media-type (415) when it takes a body, too-many-requests (429) when it has @Scopes,
 * unauthorized (401) and forbidden (403) when it needs a token, and the 503s always. Every error
 * response is `application/problem+json` with the ProblemDetails schema and lists its codes.
 *
 * A status the operation already documents with its own description keeps that description.
 */
export function ApiProblems(...codes: ProblemCode[]): MethodDecorator & ClassDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor ? descriptor.value : target;
    const declared = (Reflect.getMetadata(PROBLEM_CODES_METADATA, holder) ?? []) as ProblemCode[];
    Reflect.defineMetadata(PROBLEM_CODES_METADATA, [...new Set([...declared, ...codes])], holder);
    const existing = (Reflect.getMetadata(API_RESPONSE_METADATA, holder) ?? {}) as Record<string, unknown>;
    const statuses = [...new Set(codes.map(statusOf))];
    const missing = statuses.filter((status) => !(String(status) in existing));
    const decorators = missing.map((status) => ApiResponse({ status, description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem details' }));
    return applyDecorators(...decorators)(target, key as string | symbol, descriptor as PropertyDescriptor);
  };
}

/** The codes @ApiProblems declared on a controller method and on its controller. */
export function declaredProblems(controller: Function, method: string): ProblemCode[] {
  const onMethod = (Reflect.getMetadata(PROBLEM_CODES_METADATA, controller.prototype[method]) ?? []) as ProblemCode[];
  const onClass = (Reflect.getMetadata(PROBLEM_CODES_METADATA, controller) ?? []) as ProblemCode[];
  return [...new Set([...onClass, ...onMethod])];
}
