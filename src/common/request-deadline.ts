import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { isTimedOut, markTimedOut } from './problem-details.filter.js';
import { requestTimedOut } from './problem.js';

/**
 * REQUEST_TIMEOUT_MS: a request still unanswered after `timeoutMs` is answered 503 problem details
 * (`request-timeout`, Retry-After, Connection: close) by `answer`, and marked so that its handler's late
 * result is dropped. Plain Node middleware, so it works whatever framework serves the routes.
 */
export function requestDeadline(timeoutMs: number, answer: (req: IncomingMessage, res: ServerResponse, error: Error) => void) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const timer = setTimeout(() => {
      if (res.headersSent || res.writableEnded) return;
      markTimedOut(req);
      answer(req, res, requestTimedOut(timeoutMs));
    }, timeoutMs);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}

/**
 * Abandons what can still be abandoned of a timed-out request: a handler that has not started yet (its
 * guards waited for the database past the deadline) does not start, so it changes nothing. The pool gives
 * up on a connection wait at the same deadline; a statement already sent to PostgreSQL runs to its end.
 */
@Injectable()
export class AbandonTimedOutRequests implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    if (isTimedOut(request)) throw requestTimedOut(0);
    return next.handle();
  }
}
