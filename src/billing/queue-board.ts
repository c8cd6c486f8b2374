import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { AuthService } from '../auth/auth.service.js';
import { PROBLEM_TYPE_BASE } from '../common/problem.js';
import { ProblemDetailsFilter } from '../common/problem-details.filter.js';
import { TimeoutError, withTimeout } from '../common/with-timeout.js';
import { isConnectionError } from '../redis/redis.js';
import { BILLING_QUEUE } from './billing-queue.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

const BEARER = /^Bearer\s+(\S{1,512})\s*$/i;

/** How long the board waits for Redis to answer a PING before it answers 503. */
const REDIS_CHECK_TIMEOUT_MS = 2000;
const RETRY_AFTER_SECONDS = 10;

const PROBLEMS = {
  401: { code: 'unauthorized', title: 'Unauthorized' },
  403: { code: 'forbidden', title: 'Forbidden' },
  503: { code: 'unavailable', title: 'Service unavailable' },
} as const;

function problem(res: Response, status: keyof typeof PROBLEMS, detail: string): void {
  const { code, title } = PROBLEMS[status];
  if (status === 503) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: PROBLEM_TYPE_BASE + code, title, status, detail }));
}

const REDIS_AWAY = 'The queues cannot be shown while Redis is not answering: try again shortly';

/**
 * Bull Board reads Redis on every call, and Bull's client would hold a call until Redis came back: while
 * Redis is away, answer 503 at once instead (and never pass an ioredis message on).
 */
function redisAvailable(queue: Queue) {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (queue.client.status !== 'ready') return problem(res, 503, REDIS_AWAY);
    withTimeout(queue.client.ping(), REDIS_CHECK_TIMEOUT_MS, 'Redis').then(
      () => next(),
      () => problem(res, 503, REDIS_AWAY),
    );
  };
}

/** A board call that failed: 503 when Redis failed in the middle of it (after the check above), else the usual problem details. */
function boardFailures(problems: ProblemDetailsFilter) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    if (error instanceof TimeoutError || isConnectionError(error)) return problem(res, 503, REDIS_AWAY);
    problems.send(req, res, error);
  };
}

/**
 * Bull Board (the queues' jobs, failures and retries) at /admin/queues, outside /api/v1, for
 * administrators only: the same bearer tokens as the API, checked on every request (pages and assets).
 */
export function mountQueueBoard(app: INestApplication): void {
  const auth = app.get(AuthService);
  const queue = app.get<Queue>(getQueueToken(BILLING_QUEUE));
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  // @bull-board/express 9.10.1 carries its own copy of @bull-board/api: the adapter's types differ only by that copy.
  createBullBoard({ queues: [new BullAdapter(queue)], serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'] });
  // The board's own error handler answers 500 with the error's message (an ioredis one, when Redis is
  // away): rethrown instead, its errors reach boardFailures below.
  adapter.setErrorHandler((error: Error) => {
    throw error;
  });
  const adminsOnly = (req: Request, res: Response, next: NextFunction) => {
    const match = BEARER.exec(req.headers.authorization ?? '');
    if (!match) return problem(res, 401, 'A valid bearer token is required');
    auth.authenticate(match[1]).then(
      (principal) => {
        if (!principal) return problem(res, 401, 'The token is unknown or has been revoked');
        if (principal.kind !== 'user' || principal.role !== 'admin') return problem(res, 403, 'Only administrators may see the queues');
        next();
      },
      next,
    );
  };
  app.use(QUEUE_BOARD_PATH, adminsOnly, redisAvailable(queue), adapter.getRouter(), boardFailures(new ProblemDetailsFilter()));
}
