import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_TYPE_BASE } from '../../src/common/problem.js';

/**
 * The e2e check that the API description tells the truth about errors: every problem response the
 * suite provokes must carry a code the OpenAPI document lists (`x-problem-codes`) under that status
 * for the operation that answered. createTestApp installs it on each app's server; a violation is
 * recorded here and problem-codes-setup.ts (a setupFilesAfterEnv of the e2e project) fails the test
 * that provoked it.
 */
interface Route {
  method: string;
  path: string;
  pattern: RegExp;
  /** Segments without a parameter: the more, the more specific (as Fastify's router prefers). */
  literals: number;
  codes: Map<number, Set<string>>;
}

const VIOLATIONS = Symbol.for('short-breaks:undocumented-problem-codes');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** The violations recorded in this test file's environment and not yet reported. */
export function undocumentedProblems(): string[] {
  const holder = globalThis as { [VIOLATIONS]?: string[] };
  return (holder[VIOLATIONS] ??= []);
}

function routesOf(document: OpenAPIObject): Route[] {
  const routes: Route[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS.filter((m) => (item as Record<string, unknown>)[m])) {
      const op = (item as Record<string, { responses: Record<string, { 'x-problem-codes'?: string[] }> }>)[method];
      const codes = new Map<number, Set<string>>();
      for (const [status, response] of Object.entries(op.responses)) {
        if (/^\d{3}$/.test(status)) codes.set(Number(status), new Set(response['x-problem-codes'] ?? []));
      }
      const segments = path.split('/').filter(Boolean);
      const source = segments.map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
      routes.push({ method, path, pattern: new RegExp(`^/${source}/?$`, 'i'), literals: segments.filter((s) => !s.startsWith('{')).length, codes });
    }
  }
  return routes.sort((a, b) => b.literals - a.literals);
}

function problemOf(body: unknown): { status: number; code: string } | undefined {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : undefined;
  if (!text || text.length > 65536 || !text.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(text) as { type?: unknown; status?: unknown };
    if (typeof parsed.type !== 'string' || !parsed.type.startsWith(PROBLEM_TYPE_BASE) || typeof parsed.status !== 'number') return undefined;
    return { status: parsed.status, code: parsed.type.slice(PROBLEM_TYPE_BASE.length) };
  } catch {
    return undefined;
  }
}

function inspect(routes: Route[], req: IncomingMessage, res: ServerResponse, body: unknown): void {
  const problem = problemOf(body);
  if (!problem) return;
  const method = req.method === 'HEAD' ? 'get' : (req.method ?? '').toLowerCase();
  const url = (req.url ?? '').split('?')[0];
  const route = routes.find((r) => r.method === method && r.pattern.test(url));
  if (!route) return; // no operation of the document answered (an unknown path, the queue board)
  const documented = route.codes.get(res.statusCode);
  if (documented?.has(problem.code) && problem.status === res.statusCode) return;
  const test = (globalThis as { expect?: { getState(): { currentTestName?: string } } }).expect?.getState().currentTestName ?? '(outside a test)';
  const listed = documented ? `lists ${[...documented].join(', ') || 'no code'}` : 'does not document that status';
  undocumentedProblems().push(`${test}: ${method.toUpperCase()} ${route.path} answered ${res.statusCode} ${problem.code}; the document ${listed}`);
}

const ENABLED = Symbol.for('short-breaks:check-problem-codes');

/** Turns the check on for this test file (problem-codes-setup.ts does, for the e2e project only). */
export function enableProblemCodeCheck(): void {
  (globalThis as { [ENABLED]?: true })[ENABLED] = true;
}

/**
 * Watches every answer of `server` for problem codes the document does not list for their operation,
 * when the check is enabled (not in the timing project, whose requests it would slow). The document is
 * built here, once per app (0.4-0.9 s measured), not while a request is being answered.
 */
export function checkProblemCodes(server: Server, document: () => OpenAPIObject): void {
  if (!(globalThis as { [ENABLED]?: true })[ENABLED]) return;
  const routes = routesOf(document());
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const end = res.end;
    res.end = function (this: ServerResponse, ...args: unknown[]) {
      inspect(routes, req, this, typeof args[0] === 'function' ? undefined : args[0]);
      return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['end'];
  });
}
