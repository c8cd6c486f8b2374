import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidRequest, ProblemError } from './problem.js';
import { refuseExcessiveJson } from './validation.js';
import { ProblemCode } from './problem-codes.js';

/** The most a request body may weigh: 1 MB (1,048,576 bytes); more is refused 413 before it is read. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** `application/json` and any `application/<something>+json`, with or without parameters. */
const JSON_TYPES: Array<string | RegExp> = ['application/json', /^application\/[a-z0-9!#$&^_.-]+\+json\s*(;|$)/i];
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;

/**
 * A JSON body, from its raw bytes: refused (415) when it is compressed or not UTF-8; refused (400 naming
 * where) when it holds more items, values or nesting than any request of this API (so such a body never
 * costs a parse); then parsed strictly (an object or an array at the top; anything else, like malformed
 * JSON, is 400). An empty body is `{}`, which validation then refuses for what it lacks.
 */
export function parseJsonBody(request: FastifyRequest, body: Buffer): unknown {
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    throw new ProblemError(415, ProblemCode.UnsupportedMediaType, 'Unsupported media type', 'Compressed bodies are not accepted: send the JSON as it is');
  }
  const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1] ?? 'utf-8';
  refuseExcessiveJson(undefined, undefined, body, charset);
  if (body.length === 0) return {};
  let first = 0;
  while (first < body.length && (body[first] === 0x20 || body[first] === 0x09 || body[first] === 0x0a || body[first] === 0x0d)) first++;
  if (body[first] !== OPEN_OBJECT && body[first] !== OPEN_ARRAY) throw invalidRequest('The body is not valid JSON');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw invalidRequest('The body is not valid JSON');
  }
}

/**
 * The bodies this service reads: JSON only, up to BODY_LIMIT_BYTES. A request with no body is not
 * parsed at all (Fastify runs no parser for it); a body of any other media type is left unread
 * (`undefined`), so a route that needs a JSON object refuses it 400, as it refuses a missing one.
 * Routes that take a form (the queue board's login) add their own parser in their own context.
 */
export function useJsonBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  for (const type of JSON_TYPES) {
    fastify.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (request, body, done) => {
      try {
        done(null, parseJsonBody(request, body as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
  }
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}
