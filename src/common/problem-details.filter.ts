import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DependencyMonitor } from '../health/dependency-monitor.js';
import { postgresFailure } from './outages.js';
import { dependencyUnavailable, type FieldError, PROBLEM_TYPE_BASE, ProblemError } from './problem.js';
import { sqlState } from '../database/pg-errors.js';
import { ProblemCode } from './problem-codes.js';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  instance?: string;
  requestId?: string;
}

/** Postgres error codes that mean the request, not the server, was at fault (a backstop: DTOs and services check first). */
const PG_CLIENT_ERRORS: Record<string, { status: number; code: ProblemCode; title: string }> = {
  '23505': { status: 409, code: ProblemCode.Duplicate, title: 'Conflict' },
  '23503': { status: 422, code: ProblemCode.MissingReference, title: 'Business rule refused the request' },
  '23514': { status: 422, code: ProblemCode.ConstraintViolated, title: 'Business rule refused the request' },
  '23P01': { status: 422, code: ProblemCode.ConstraintViolated, title: 'Business rule refused the request' },
  '23502': { status: 400, code: ProblemCode.InvalidRequest, title: 'Invalid request' },
  '22P02': { status: 400, code: ProblemCode.InvalidRequest, title: 'Invalid request' },
  '22003': { status: 400, code: ProblemCode.InvalidRequest, title: 'Invalid request' },
  '22007': { status: 400, code: ProblemCode.InvalidRequest, title: 'Invalid request' },
  '22008': { status: 400, code: ProblemCode.InvalidRequest, title: 'Invalid request' },
  '22001': { status: 400, code: ProblemCode.InvalidRequest, title: 'Invalid request' },
  '22021': { status: 400, code: ProblemCode.InvalidRequest, title: 'Invalid request' },
};

const STATUS_CODES: Record<number, ProblemCode> = {
  400: ProblemCode.InvalidRequest,
  401: ProblemCode.Unauthorized,
  403: ProblemCode.Forbidden,
  404: ProblemCode.NotFound,
  405: ProblemCode.MethodNotAllowed,
  409: ProblemCode.Conflict,
  413: ProblemCode.PayloadTooLarge,
  415: ProblemCode.UnsupportedMediaType,
  422: ProblemCode.RuleBroken,
  429: ProblemCode.TooManyRequests,
  503: ProblemCode.Unavailable,
};

/**
 * What the log keeps of an unexpected error: its kind, message, code and stack. Never the rest of it:
 * a QueryFailedError carries the query's parameters and the driver error may quote the failing row,
 * either of which can hold medical notes or other special category data.
 */
function loggable(exception: unknown): Record<string, unknown> {
  if (!(exception instanceof Error)) return { type: typeof exception, message: 'A value that is not an Error was thrown' };
  const e = exception as Error & { code?: unknown; driverError?: { code?: unknown } };
  const code = e.driverError?.code ?? e.code;
  return { type: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}), stack: e.stack };
}

/** What the problem says of Fastify's own refusals of a request (the rest say what Fastify says). */
const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'The body is larger than the 1 MB limit',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The body is not as long as its Content-Length says',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is not valid JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request could not be read',
};

/** Whether a response has gone out already (or begun to). */
export function isAnswered(reply: FastifyReply): boolean {
  return reply.sent || reply.raw.headersSent;
}

const TIMED_OUT = Symbol('timedOut');

/** Marks a request answered 503 by the request deadline: whatever its handler does later is dropped. */
export function markTimedOut(request: object): void {
  (request as { [TIMED_OUT]?: true })[TIMED_OUT] = true;
}

export function isTimedOut(request: object | undefined): boolean {
  return (request as { [TIMED_OUT]?: true } | undefined)?.[TIMED_OUT] === true;
}

/**
 * Turns every failure into RFC 9457 problem details; never leaks a stack trace or SQL. A request that
 * failed because PostgreSQL is unreachable is answered 503 with Retry-After and left to the
 * DependencyMonitor to log (once per outage, not once per request).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  constructor(private readonly dependencies?: DependencyMonitor) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.send(http.getRequest(), http.getResponse(), exception);
  }

  /** Answers `exception` as problem details (also used by hooks outside Nest's routes: the queue board, the deadline). */
  send(request: FastifyRequest, response: FastifyReply, exception: unknown): void {
    // the deadline answered this request already; its handler's late result or failure goes nowhere
    if (isTimedOut(request) && isAnswered(response)) return;
    const failure = this.dependencies ? postgresFailure(exception) : undefined;
    if (!failure) return this.answer(request, response, exception);
    const reason = exception instanceof Error ? exception.message : String(exception);
    void this.dependencies!.postgresState(failure, reason).then(
      (state) =>
        this.answer(
          request,
          response,
          state === 'down' ? dependencyUnavailable('The database') : state === 'busy' ? dependencyUnavailable('The database (every connection is busy)') : exception,
        ),
      () => this.answer(request, response, exception),
    );
  }

  private answer(request: FastifyRequest, response: FastifyReply, exception: unknown): void {
    if (exception instanceof HttpException && exception.cause instanceof ProblemError) exception = exception.cause;
    const problem = this.toProblem(exception);
    problem.instance = (request?.originalUrl ?? request?.raw?.url)?.split('?')[0];
    const id = (request as { id?: unknown } | undefined)?.id;
    problem.requestId = id !== undefined ? String(id) : undefined;
    // a ProblemError is an answer the service chose (503 while a dependency is down); anything else is a fault
    if (problem.status >= 500 && !(exception instanceof ProblemError)) {
      this.logger.error({ error: loggable(exception), requestId: problem.requestId }, 'Unhandled error');
    }
    if (isAnswered(response)) return;
    if (exception instanceof ProblemError && exception.headers) {
      for (const [name, value] of Object.entries(exception.headers)) response.header(name, value);
    }
    response.code(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemBody {
    if (exception instanceof ProblemError) {
      return {
        type: PROBLEM_TYPE_BASE + exception.code,
        title: exception.title,
        status: exception.status,
        detail: exception.detail,
        ...(exception.errors ? { errors: exception.errors } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const fastify = FASTIFY_DETAILS[(exception.cause as { code?: string } | undefined)?.code ?? ''];
      return this.fromStatus(status, fastify ?? this.httpDetail(exception));
    }
    const pg = exception as { driverError?: unknown; constraint?: string; detail?: string };
    const pgCode = sqlState(exception);
    if (pgCode && PG_CLIENT_ERRORS[pgCode]) {
      const known = PG_CLIENT_ERRORS[pgCode];
      const driver = (pg.driverError ?? pg) as { constraint?: string; column?: string };
      if (pgCode === '23502' && driver.column) {
        const field = driver.column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
        return {
          type: PROBLEM_TYPE_BASE + known.code,
          title: known.title,
          status: known.status,
          detail: `${field}: must not be null`,
          errors: [{ field, message: 'must not be null' }],
        };
      }
      const constraint = driver.constraint;
      return {
        type: PROBLEM_TYPE_BASE + known.code,
        title: known.title,
        status: known.status,
        detail: constraint ? `The request conflicts with the rule "${constraint}"` : 'The request conflicts with a rule of the data',
      };
    }
    // Fastify's own errors (body too large, a Content-Length that does not match) and other errors with a 4xx status
    const httpError = exception as { status?: number; statusCode?: number; code?: string };
    const status = httpError?.statusCode ?? httpError?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return this.fromStatus(status, FASTIFY_DETAILS[httpError.code ?? ''] ?? 'The request could not be read');
    }
    return this.fromStatus(HttpStatus.INTERNAL_SERVER_ERROR, 'Something went wrong on our side; the request id identifies it in the logs');
  }

  private httpDetail(exception: HttpException): string {
    const body = exception.getResponse();
    if (typeof body === 'string') return body;
    const message = (body as { message?: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string') return message;
    return exception.message;
  }

  private fromStatus(status: number, detail: string): ProblemBody {
    const code = STATUS_CODES[status] ?? (status >= 500 ? ProblemCode.InternalError : ProblemCode.InvalidRequest);
    const title = status >= 500 ? 'Internal server error' : (code.charAt(0).toUpperCase() + code.slice(1)).replace(/-/g, ' ');
    return { type: PROBLEM_TYPE_BASE + code, title, status, detail };
  }
}
