import type { LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/app-config.js';

/*
 * One logger per process: a pino instance that Fastify uses as its own (`loggerInstance`), and that Nest's
 * Logger writes to (NestPinoLogger). One line per request, written by an `onResponse` hook; no other
 * per-request logging layer. Request and response bodies are never logged, and credentials are redacted,
 * so tokens, medical notes and note bodies stay out of the logs.
 */

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The id of a request (Fastify's `genReqId`): the caller's X-Request-Id when it is sane, else a new UUID.
 * Fastify assigns it before anything else runs, so even a body that fails to parse has one.
 */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The process's logger: JSON lines on stdout, credentials redacted. */
export function createRootLogger(level: LogLevel): Logger {
  return pino({
    level,
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}

type LoggedRequest = FastifyRequest & { principal?: { kind: string; id: string } };

/**
 * Fastify's own per-request logging, reshaped: no `incoming request` line, and one line per request once
 * it is answered (whatever answered it: a route, a hook, the not-found or the error handler): `request
 * completed` at info, or `request errored` at error for a 5xx (real faults are logged with their stack by
 * ProblemDetailsFilter; a 5xx the service chose to answer, such as a 503 while PostgreSQL is down, has no
 * stack to log). Health checks are not logged.
 */
export class RequestLog extends LogController {
  constructor(private readonly logger: Logger) {
    super({ disableRequestLogging: (request: FastifyRequest) => (request.raw.url ?? '').startsWith('/health') });
  }

  override incomingRequest(): void {}

  /** Nest's not-found handler answers (and the line above logs) what no route takes. */
  override routeNotFound(): void {}

  override requestCompleted(_error: Error | null | undefined, request: LoggedRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const status = reply.statusCode;
    const line: Record<string, unknown> = {
      req: { id: request.id, method: request.method, url: (request.raw.url ?? '').split('?')[0] },
      res: { statusCode: status },
      responseTime: Math.round(reply.elapsedTime),
    };
    if (request.principal) line.principal = `${request.principal.kind}:${request.principal.id}`;
    if (status >= 500) this.logger.error(line, 'request errored');
    else this.logger.info(line, 'request completed');
  }
}

/**
 * Nest's LoggerService over pino: `logger.log('text')` and `logger.error({ fields }, 'text')` from Nest's
 * Logger become pino lines with the Nest context as `context` (the shape nestjs-pino gave them).
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.call('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.call('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.call('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.call('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.call('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.call('fatal', message, params);
  }

  private call(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    let rest = params;
    // Nest's Logger passes its context last
    if (params.length) {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    if (typeof message === 'object' && message !== null) {
      if (message instanceof Error) fields.err = message;
      else Object.assign(fields, message);
      this.logger[level](fields, ...(rest as [string?]));
    } else if (level === 'error' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0])) {
      // Nest's own exception handlers call error(message, stack, context)
      const err = new Error(String(message));
      err.stack = rest[0];
      this.logger.error({ ...fields, err });
    } else {
      this.logger[level](fields, String(message), ...(rest as []));
    }
  }
}
