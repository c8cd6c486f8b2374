import { type INestApplication } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_KEY } from '../auth/decorators.js';
import { PROBLEM_DESCRIPTIONS } from './api-problems.js';
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
  responses: Record<string, { description?: string; content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
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

/**
 * Every error this service answers is problem details (ProblemDetailsFilter): each 4xx and 5xx response
 * gets the ProblemDetails schema as `application/problem+json`. Added where the operation's shape makes
 * them possible: 400 (it takes parameters or a body: validation, unknown fields, malformed ids), 404 (its
 * path names a record), 413 and 415 (it takes a JSON body: at most 1 MB, UTF-8), 429 (integration keys,
 * rate-limited, may call it: it has @Scopes), 503 (every request: a dependency down or the request
 * deadline). `default` covers any other.
 */
export function documentProblems(document: OpenAPIObject): void {
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
  for (const { op } of operations(document)) {
    const add = (status: number) => {
      op.responses[status] ??= { description: PROBLEM_DESCRIPTIONS[status] };
    };
    if (op.parameters?.length || op.requestBody) add(400);
    if (op.parameters?.some((p) => p.in === 'path')) add(404);
    if (op.requestBody) add(413);
    if (op.requestBody) add(415);
    if (op['x-scopes']) add(429);
    add(503);
    for (const [status, response] of Object.entries(op.responses)) {
      if (!/^[45]\d\d$/.test(status)) continue;
      response.description ||= PROBLEM_DESCRIPTIONS[Number(status)] ?? 'Problem details';
      response.content = problem;
      if (status === '429' || status === '503') response.headers = { ...(response.headers ?? {}), 'Retry-After': RETRY_AFTER };
    }
    op.responses.default = { description: 'Problem details (RFC 9457)', content: problem };
  }
}
