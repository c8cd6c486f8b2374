import type { FastifyReply, FastifyRequest } from 'fastify';
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
      // whatever the handler sends later goes nowhere (and is not logged as a reply sent twice)
      reply.send = () => reply;
    }, timeoutMs);
    res.once('close', () => clearTimeout(timer));
  };
}

/**
 * Abandons what can still be abandoned of a timed-out request: called by the global guard once it has
 * authenticated the caller, so that a handler that has not started yet (its guard waited for the
 * database past the deadline) does not start, and changes nothing. The pool gives up on a connection
 * wait at the same deadline; a statement already sent to PostgreSQL runs to its end.
 */
export function refuseIfTimedOut(request: object): void {
  if (isTimedOut(request)) throw requestTimedOut(0);
}
