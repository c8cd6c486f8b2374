import { type INestApplication, type INestApplicationContext, NotFoundException, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { AppConfig, type ProcessRole } from './config/app-config.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { BodyShapePipe, createValidationPipe, refuseExcessiveJson } from './common/validation.js';
import { setUpApiDocs } from './common/api-docs.js';
import { AbandonTimedOutRequests, requestDeadline } from './common/request-deadline.js';
import { DependencyMonitor } from './health/dependency-monitor.js';
import { assignRequestId, logRefusedBody } from './logging/logging.module.js';
import { mountQueueBoard } from './billing/queue-board.js';

export const API_PREFIX = 'api/v1';
export const BODY_LIMIT = '1mb';

/** The HTTP application, configured exactly as in production (tests use this too). */
export async function createHttpApp(config: AppConfig, role: Exclude<ProcessRole, 'worker'>): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRole(config, role), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  const problems = new ProblemDetailsFilter(app.get(DependencyMonitor));
  app.use(assignRequestId);
  app.use(requestDeadline(config.requestTimeoutMs, (req, res, error) => problems.send(req as Request, res as Response, error)));
  // Nest's types leave out body-parser's `verify` (it uses it for rawBody, which is off here)
  const json = { limit: BODY_LIMIT, type: ['application/json', 'application/*+json'], verify: refuseExcessiveJson };
  app.useBodyParser('json', json);
  app.use(logRefusedBody(app.get(Logger)));
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(new BodyShapePipe(), createValidationPipe());
  app.useGlobalInterceptors(new AbandonTimedOutRequests());
  app.useGlobalFilters(problems);
  mountQueueBoard(app);
  setUpApiDocs(app);
  await app.init();
  // Nest answers unknown paths under the global prefix; any other path would get Express's HTML 404.
  app.use((req: Request, res: Response) => problems.send(req, res, new NotFoundException(`Cannot ${req.method} ${req.path}`)));
  return app;
}

/** The worker: no HTTP, just the queue consumers. */
export async function createWorkerContext(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRole(config, 'worker'), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  return app;
}
