import { type INestApplication } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_KEY } from '../auth/decorators.js';
import { declaredProblems, PROBLEM_DESCRIPTIONS } from './api-problems.js';
import { PROBLEM_CATALOGUE, ProblemCode } from './problem-codes.js';
import { ParseIdPipe } from './validation.js';

/**
 * The steps of the API description that follow from how a route is built rather than from its own
 * decorators: each derives a fact from what the code enforces, never from a naming guess.
 */

interface Operation {
  operationId?: string;
  'x-scopes'?: string[];
  parameters?: Array<{ name: string; in: string; schema?: Record<string, unknown> }>;
  requestBody?: unknown;
  responses: Record<string, { description?: string; content?: Record<string, unknown>; headers?: Record<string, unknown>; 'x-problem-codes'?: ProblemCode[] }>;
  security?: unknown[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function operations(document: OpenAPIObject): Array<{ path: string; method: string; op: Operation }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => (item as Record<string, unknown>)[method]).map((method) => ({ path, method, op: (item as Record<string, Operation>)[method] })),
  );
}

/** Each controller method of the app, by the operationId @nestjs/swagger gives it (`Controller_method`). */
function handlers(app: INestApplication): Map<string, { controller: Function; method: string }> {
  const found = new Map<string, { controller: Function; method: string }>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Function | undefined;
      if (!controller?.prototype) continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        if (method !== 'constructor') found.set(`${controller.name}_${method}`, { controller, method });
      }
    }
  }
  return found;
}

/**
 * Path parameters that ParseIdPipe checks (every `@Param('…', ParseIdPipe)`) are UUIDs: the pipe
 * answers 400 to anything else.
 */
export function documentIdParameters(app: INestApplication, document: OpenAPIObject): void {
  const byOperationId = handlers(app);
  for (const { op } of operations(document)) {
    const handler = op.operationId ? byOperationId.get(op.operationId) : undefined;
    if (!handler) continue;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, handler.controller, handler.method) ?? {}) as Record<
      string,
      { data?: unknown; pipes?: unknown[] }
    >;
    for (const [key, arg] of Object.entries(args)) {
      if (Number(key.split(':')[0]) !== RouteParamtypes.PARAM || typeof arg.data !== 'string') continue;
      if (!(arg.pipes ?? []).some((pipe) => pipe === ParseIdPipe || pipe instanceof ParseIdPipe)) continue;
      const parameter = op.parameters?.find((p) => p.in === 'path' && p.name === arg.data);
      if (parameter) parameter.schema = { ...(parameter.schema ?? {}), type: 'string', format: 'uuid' };
    }
  }
}

/**
 * Routes opened by @Public() (the health checks) need no token: `security: []` says so, over the
 * document's default of a bearer token. Every other route needs one (the guard denies by default).
 */
export function documentSecurity(app: INestApplication, document: OpenAPIObject): void {
  const byOperationId = handlers(app);
  document.security = [{ bearer: [] }];
  for (const { op } of operations(document)) {
    const handler = op.operationId ? byOperationId.get(op.operationId) : undefined;
    if (!handler) throw new Error(`API description: no controller method for operation ${op.operationId}`);
    const isPublic =
      Reflect.getMetadata(PUBLIC_KEY, handler.controller.prototype[handler.method]) === true || Reflect.getMetadata(PUBLIC_KEY, handler.controller) === true;
    op.security = isPublic ? [] : (op.security ?? [{ bearer: [] }]);
  }
}

const RETRY_AFTER = { description: 'Seconds to wait before repeating the request', schema: { type: 'integer', minimum: 1 } };

/** Every request can be answered these (a dependency down, the request deadline, a process shutting down). */
const ALWAYS: ProblemCode[] = [ProblemCode.DependencyUnavailable, ProblemCode.RequestTimeout, ProblemCode.ShuttingDown];

/** Codes that only a fault answers (ProblemDetailsFilter's fallbacks): listed under `default`, never expected. */
const FALLBACKS: ProblemCode[] = [
  ProblemCode.InternalError,
  ProblemCode.Duplicate,
  ProblemCode.MissingReference,
  ProblemCode.ConstraintViolated,
  ProblemCode.Conflict,
  ProblemCode.RuleBroken,
  ProblemCode.MethodNotAllowed,
];

/**
 * The codes that follow from how the operation is built: invalid-request (it takes parameters or a
 * body: validation, unknown fields, malformed ids), not-found (its path names a record),
 * payload-too-large and unsupported-media-type (it takes a JSON body: at most 1 MB, UTF-8),
 * too-many-requests (integration keys, rate-limited, may call it: it has @Scopes), unauthorized and
 * forbidden (it needs a token: the guard), and the 503s (every request).
 */
function shapeProblems(op: Operation): ProblemCode[] {
  const codes: ProblemCode[] = [];
  if (op.parameters?.length || op.requestBody) codes.push(ProblemCode.InvalidRequest);
  if (op.parameters?.some((p) => p.in === 'path')) codes.push(ProblemCode.NotFound);
  if (op.requestBody) codes.push(ProblemCode.PayloadTooLarge, ProblemCode.UnsupportedMediaType);
  if (op['x-scopes']) codes.push(ProblemCode.TooManyRequests);
  if (op.security?.length) codes.push(ProblemCode.Unauthorized, ProblemCode.Forbidden);
  return [...codes, ...ALWAYS];
}

/** "- `code`: summary" per code, after what the status means. */
function describe(description: string, codes: ProblemCode[]): string {
  return [description, '', ...codes.map((code) => `- \`${code}\`: ${PROBLEM_CATALOGUE[code].summary}`)].join('\n');
}

/**
 * Every error this service answers is problem details (ProblemDetailsFilter): each 4xx and 5xx response
 * gets the ProblemDetails schema as `application/problem+json`, and lists the codes (`type` is
 * PROBLEM_TYPE_BASE + code) it may carry: in its description, and as `x-problem-codes` for clients.
 * The codes are the operation's own (@ApiProblems) and those that follow from its shape (shapeProblems);
 * each goes under the one status the catalogue gives it. `default` covers any other, with the codes
 * only a fault answers.
 */
export function documentProblems(app: INestApplication, document: OpenAPIObject): void {
  const byOperationId = handlers(app);
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
  for (const { op } of operations(document)) {
    const handler = op.operationId ? byOperationId.get(op.operationId) : undefined;
    const declared = handler ? declaredProblems(handler.controller, handler.method) : [];
    const byStatus = new Map<number, ProblemCode[]>();
    for (const code of new Set([...shapeProblems(op), ...declared])) {
      const status = PROBLEM_CATALOGUE[code].status;
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
    for (const status of Object.keys(op.responses).filter((s) => /^[45]\d\d$/.test(s))) {
      if (!byStatus.has(Number(status))) throw new Error(`API description: ${op.operationId} documents ${status} but declares no problem code for it`);
    }
    for (const [status, codes] of byStatus) {
      // a copy: @nestjs/swagger may share one response object between operations (the @Roles ones)
      const given = op.responses[status] ?? {};
      op.responses[status] = {
        ...given,
        description: describe(given.description || (PROBLEM_DESCRIPTIONS[status] ?? 'Problem details'), codes),
        content: problem,
        ...(status === 429 || status === 503 ? { headers: { ...(given.headers ?? {}), 'Retry-After': RETRY_AFTER } } : {}),
        'x-problem-codes': codes,
      };
    }
    op.responses.default = { description: describe('Problem details (RFC 9457): any other answer is a fault to report', FALLBACKS), content: problem, 'x-problem-codes': FALLBACKS };
  }
}
