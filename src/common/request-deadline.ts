import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { isAnswered, isTimedOut, markTimedOut } from './problem-details.filter.js';
import { requestTimedOut } from './problem.js';

/**
 * REQUEST_TIMEOUT_MS: a request still unanswered after `timeoutMs` is answered 503 problem details
 * (`request-timeout`, Retry-After, Connection: close) by `answer`, and marked so that its handler's late
 * result is dropped. Started by a Fastify `onRequest` hook, so it covers every route, Nest's or not.
 */
export function requestDeadline(timeoutMs: number, answer: (request: FastifyRequest, reply: FastifyReply, error: Error) => void) {
  return (request: FastifyRequest, reply: FastifyReply): void => {
    const res = reply.raw;
    const timer = setTimeout(() => {
      if (isAnswered(reply) || res.writableEnded) return;
      markTimedOut(request);
      answer(request, reply, requestTimedOut(timeoutMs));
    }, timeoutMs);
    res.once('close', () => clearTimeout(timer));
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
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (isTimedOut(request)) throw requestTimedOut(0);
    // a late result is dropped (the filter sends nothing for a request the deadline answered)
    return next.handle().pipe(
      map((value) => {
        if (isTimedOut(request)) throw requestTimedOut(0);
        return value;
      }),
    );
  }
}
