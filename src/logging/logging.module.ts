import { type LoggerService, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

type WithId = IncomingMessage & { id?: string };

/**
 * Gives every request an id before anything else runs (so even a body that fails to parse has one):
 * the caller's X-Request-Id when it is sane, else a new UUID; echoed in the response.
 */
export function assignRequestId(req: WithId, res: ServerResponse, next: () => void): void {
  const given = req.headers['x-request-id'];
  req.id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
}

/**
 * The body parser runs before pino-http (Nest middleware), so a request whose body it refuses
 * (malformed JSON, over 1 MB) would leave no log line: this logs it, under its id, once answered.
 */
export function logRefusedBody(logger: LoggerService) {
  return (error: unknown, req: WithId, res: ServerResponse, next: (error: unknown) => void): void => {
    // the raw req and res, so that the serializers below shape them like pino-http's own lines
    res.once('finish', () => logger.log({ req, res }, 'request completed', 'BodyParser'));
    next(error);
  };
}

/**
 * Structured JSON logs with a request id (taken from X-Request-Id when the caller sends a sane one,
 * echoed back in the response). Request and response bodies are never logged, and credentials are
 * redacted, so tokens, medical notes and note bodies stay out of the logs.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          genReqId: (req: IncomingMessage) => (req as WithId).id ?? randomUUID(),
          customProps: (req: IncomingMessage) => {
            const principal = (req as IncomingMessage & { principal?: { kind: string; id: string } }).principal;
            return principal ? { principal: `${principal.kind}:${principal.id}` } : {};
          },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.authorization'],
            censor: '[redacted]',
          },
          // A 5xx the service chose to answer (503 while PostgreSQL or Redis is down, a request timeout) has no
          // exception behind it: pino-http would make one up, with a stack, for every such request. Keep the
          // line, drop the made-up error (real faults are logged with their stack by ProblemDetailsFilter).
          customErrorObject: (_req: IncomingMessage, _res: ServerResponse, error: Error, value: Record<string, unknown>) =>
            /^failed with status code/.test(error?.message ?? '') ? { ...value, err: undefined } : value,
          autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
