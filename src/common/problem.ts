import { ProblemCode, type ProblemCodeOf } from './problem-codes.js';

/**
 * Domain and request errors, carried as RFC 9457 problem details by ProblemDetailsFilter.
 * Services throw these; controllers never build HTTP errors themselves.
 */
export interface FieldError {
  field: string;
  message: string;
}

export const PROBLEM_TYPE_BASE = 'https://short-breaks.example/problems/';

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    /** Stable, kebab-case code of the catalogue (problem-codes.ts); the problem `type` is PROBLEM_TYPE_BASE + code. */
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    /** Response headers that belong to the problem (e.g. Retry-After on a 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

/** 400: the request is malformed or fails validation. */
export function invalidRequest(detail: string, errors?: FieldError[]): ProblemError {
  return new ProblemError(400, ProblemCode.InvalidRequest, 'Invalid request', detail, errors);
}

/** 400 naming one field. */
export function invalidField(field: string, message: string): ProblemError {
  return invalidRequest(`${field}: ${message}`, [{ field, message }]);
}

/** 404: no such record (or one the caller may not know of). */
export function notFound(what: string, id?: string): ProblemError {
  return new ProblemError(404, ProblemCode.NotFound, 'Not found', id ? `No ${what} with id ${id}` : `No such ${what}`);
}

/** 409: a duplicate or a conflicting repeat. */
export function conflict(code: ProblemCodeOf<409>, detail: string): ProblemError {
  return new ProblemError(409, code, 'Conflict', detail);
}

/** 422: a business rule refused the request; `code` names the rule. */
export function ruleBroken(code: ProblemCodeOf<422>, detail: string): ProblemError {
  return new ProblemError(422, code, 'Business rule refused the request', detail);
}

export function forbidden(detail = 'Your role or scopes do not allow this'): ProblemError {
  return new ProblemError(403, ProblemCode.Forbidden, 'Forbidden', detail);
}

export function unauthorized(detail = 'A valid bearer token is required'): ProblemError {
  return new ProblemError(401, ProblemCode.Unauthorized, 'Unauthorized', detail);
}

/** 422 naming one field: a rule about the relation between fields, or a reference to an unknown record. */
export function ruleBrokenOn(code: ProblemCodeOf<422>, field: string, message: string): ProblemError {
  return new ProblemError(422, code, 'Business rule refused the request', `${field}: ${message}`, [{ field, message }]);
}

/** 429: the caller made too many requests; `Retry-After` says how many seconds to wait. */
export function tooManyRequests(detail: string, retryAfterSeconds: number): ProblemError {
  return new ProblemError(429, ProblemCode.TooManyRequests, 'Too many requests', detail, undefined, {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
}

/** What Retry-After says when a dependency is down or a request ran out of time. */
export const RETRY_AFTER_SECONDS = 5;

/** 503: PostgreSQL or Redis is not answering; the request did nothing and may be repeated later. */
export function dependencyUnavailable(what: string, retryAfterSeconds = RETRY_AFTER_SECONDS): ProblemError {
  return new ProblemError(
    503,
    ProblemCode.DependencyUnavailable,
    'Service unavailable',
    `${what} is not answering; retry after ${retryAfterSeconds} s`,
    undefined,
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

/** 503: the request took longer than REQUEST_TIMEOUT_MS and was abandoned. */
export function requestTimedOut(timeoutMs: number, retryAfterSeconds = RETRY_AFTER_SECONDS): ProblemError {
  return new ProblemError(
    503,
    ProblemCode.RequestTimeout,
    'Service unavailable',
    `The request was not answered within ${timeoutMs} ms and was abandoned. A change it was making may or may not ` +
      'have been saved: read it back before repeating it (case notes: repeat it with the same Idempotency-Key)',
    undefined,
    { 'Retry-After': String(retryAfterSeconds), Connection: 'close' },
  );
}
