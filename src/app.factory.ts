import { type INestApplicationContext, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as Pino } from 'pino';
import { AppModule } from './app.module.js';
import { AppConfig, type ProcessRole } from './config/app-config.js';
import { setUpApiDocs } from './common/api-docs.js';
import { BODY_LIMIT_BYTES, useJsonBodies } from './common/json-body.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { requestDeadline } from './common/request-deadline.js';
import { BodyShapePipe, createValidationPipe } from './common/validation.js';
import { DependencyMonitor } from './health/dependency-monitor.js';
import { createRootLogger, NestPinoLogger, REQUEST_ID_HEADER, RequestLog, requestIdFor } from './logging/logging.module.js';
import { mountQueueBoard } from './queue-board/queue-board.fastify.js';

export const API_PREFIX = 'api/v1';

/** The HTTP application, configured exactly as in production (tests use this too): Nest on Fastify. */
export async function createHttpApp(config: AppConfig, role: Exclude<ProcessRole, 'worker'>, logger?: Pino): Promise<NestFastifyApplication> {
  const log = logger ?? createRootLogger(config.logLevel);
  let problems: ProblemDetailsFilter | undefined;
  const requestLog = new RequestLog(log);
  const adapter = new FastifyAdapter({
    loggerInstance: log,
    // one line per request, once answered (instead of Fastify's two)
    logController: requestLog,
    // no child logger per request: the request line carries the id
    childLoggerFactory: (parent: FastifyBaseLogger) => parent,
    genReqId: requestIdFor,
    requestIdHeader: false,
    trustProxy: 'loopback',
    bodyLimit: BODY_LIMIT_BYTES,
    // as Express did: /api/v1/Programmes/ is /api/v1/programmes (parameters keep their case)
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
    // no Nest middleware is used: nothing runs per request but Fastify's hooks
    skipMiddie: true,
    // what the router refuses before any hook runs (a malformed URL: 400) is problem details too
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      reply.header(REQUEST_ID_HEADER, request.id);
      // no hook runs for these, not even the one that logs a request once answered
      reply.raw.once('finish', () => requestLog.requestCompleted(null, request, reply));
      (problems ?? new ProblemDetailsFilter()).send(request, reply, error);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRole(config, role), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(new NestPinoLogger(log));
  const fastify = app.getHttpAdapter().getInstance();
  problems = new ProblemDetailsFilter(app.get(DependencyMonitor));
  const filter = problems;
  // the one hook every request runs: its id in the response, and its deadline
  const deadline = requestDeadline(config.requestTimeoutMs, (request, reply, error) => filter.send(request, reply, error));
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    deadline(request, reply);
    done();
  });
  useJsonBodies(fastify);
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(new BodyShapePipe(), createValidationPipe());
  // also answers what no route takes (404) and what Fastify refuses before a route runs (413, unreadable bodies)
  app.useGlobalFilters(filter);
  mountQueueBoard(app);
  setUpApiDocs(app);
  await app.init();
  await fastify.ready();
  return app;
}

/** The worker: no HTTP, just the queue consumers. */
export async function createWorkerContext(config: AppConfig, logger?: Pino): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRole(config, 'worker'), { bufferLogs: true });
  app.useLogger(new NestPinoLogger(logger ?? createRootLogger(config.logLevel)));
  return app;
}
