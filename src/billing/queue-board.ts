import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { AuthService } from '../auth/auth.service.js';
import { PROBLEM_TYPE_BASE } from '../common/problem.js';
import { BILLING_QUEUE } from './billing-queue.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

const BEARER = /^Bearer\s+(\S{1,512})\s*$/i;

function problem(res: Response, status: 401 | 403, detail: string): void {
  const code = status === 401 ? 'unauthorized' : 'forbidden';
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: PROBLEM_TYPE_BASE + code, title: status === 401 ? 'Unauthorized' : 'Forbidden', status, detail }));
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
  app.use(QUEUE_BOARD_PATH, adminsOnly, adapter.getRouter());
}
