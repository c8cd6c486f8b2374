import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { invalidField } from '../common/problem.js';
import { IDEMPOTENCY_KEY_PATTERN, type IdempotentRequest, requestFingerprint } from './idempotency.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * The request's Idempotency-Key with the fingerprint of the request, or undefined when none was sent.
 * With `requiredForIntegrations`, an integration key that sends none gets 400.
 */
export const IdempotencyKey = createParamDecorator(
  (options: { requiredForIntegrations: boolean } | undefined, context: ExecutionContext): IdempotentRequest | undefined => {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const response = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
    if (key === undefined) {
      if (options?.requiredForIntegrations && request.principal?.kind === 'integration') {
        throw invalidField(IDEMPOTENCY_KEY_HEADER, 'is required for integration API keys (send a new UUID per note, the same one when retrying)');
      }
      return undefined;
    }
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw invalidField(IDEMPOTENCY_KEY_HEADER, 'must be 1-255 visible ASCII characters (a UUID is a good key)');
    }
    return {
      key,
      fingerprint: requestFingerprint(request.method, request.originalUrl, request.body),
      markReplayed: () => response.header('Idempotent-Replayed', 'true'),
    };
  },
);

/** OpenAPI description of the header and of its 409s. */
export function ApiIdempotencyKey(required: string) {
  return applyDecorators(
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description:
        `${required} Keys are scoped to the caller and kept at least 24 hours. The same key with the same request ` +
        'returns the stored response (same id, header Idempotent-Replayed: true); the same key with a different ' +
        'request is refused with 409. Concurrent requests with one key create one record. Refused requests are not ' +
        'remembered: fix and retry with the same key.',
    }),
    ApiConflictResponse({ description: 'The Idempotency-Key was already used with a different request, or its request is still running' }),
    ApiProblems(ProblemCode.IdempotencyKeyReused, ProblemCode.IdempotencyKeyInProgress),
  );
}
