import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_TYPE_BASE } from '../src/common/problem.js';
import { PROBLEM_CATALOGUE, ProblemCode } from '../src/common/problem-codes.js';
import { buildApiDocument } from '../src/openapi-document.js';
import { checkProblemCodes, undocumentedProblems } from './support/problem-codes.js';

/**
 * One error catalogue (src/common/problem-codes.ts) and an API description that lists, for each
 * operation's problem responses, the codes it may carry: every code of the catalogue is documented
 * somewhere, every documented code is in the catalogue, under the one status the catalogue gives it.
 * (That each code an operation really answers is listed is checked on every e2e request: see
 * test/support/problem-codes.ts.)
 */
interface Response {
  description?: string;
  content?: Record<string, unknown>;
  'x-problem-codes'?: string[];
}

describe('problem codes in the API description', () => {
  let document: OpenAPIObject;
  const responses = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { responses: Record<string, Response> }>).flatMap(([method, op]) =>
        Object.entries(op.responses).map(([status, response]) => ({ where: `${method} ${path} ${status}`, status, response })),
      ),
    );

  beforeAll(async () => {
    document = await buildApiDocument();
  });

  it('every code of the catalogue is listed on at least one operation', () => {
    const listed = new Set(responses().flatMap(({ response }) => response['x-problem-codes'] ?? []));
    expect(Object.values(ProblemCode).filter((code) => !listed.has(code))).toEqual([]);
  });

  it('every listed code is in the catalogue, under its one status (the fallbacks under default)', () => {
    const wrong = responses().flatMap(({ where, status, response }) =>
      (response['x-problem-codes'] ?? [])
        .filter((code) => !(code in PROBLEM_CATALOGUE) || (status !== 'default' && PROBLEM_CATALOGUE[code as ProblemCode].status !== Number(status)))
        .map((code) => `${where}: ${code}`),
    );
    expect(wrong).toEqual([]);
  });

  it('every problem response lists its codes, in x-problem-codes and in its description, as problem+json', () => {
    const bare = responses()
      .filter(({ status }) => status === 'default' || /^[45]/.test(status))
      .filter(({ response }) => {
        const codes = response['x-problem-codes'] ?? [];
        return !codes.length || !codes.every((code) => response.description?.includes(`\`${code}\``)) || !response.content?.['application/problem+json'];
      })
      .map(({ where }) => where);
    expect(bare).toEqual([]);
  });

  it('an operation declares its own codes (POST /registrations) beside those of its shape', () => {
    const op = document.paths['/api/v1/registrations'].post!;
    const codes = (status: number) => (op.responses[status] as Response)['x-problem-codes'];
    expect(codes(409)).toEqual([ProblemCode.AlreadyRegistered]);
    expect(codes(422)).toEqual(expect.arrayContaining([ProblemCode.AgeOutOfRange, ProblemCode.InsufficientBudget, ProblemCode.UnknownBudget]));
    expect(codes(400)).toEqual([ProblemCode.InvalidRequest]);
    expect(codes(401)).toEqual([ProblemCode.Unauthorized]);
    expect(codes(503)).toEqual(expect.arrayContaining([ProblemCode.DependencyUnavailable, ProblemCode.RequestTimeout]));
    expect((op.responses[422] as Response).description).toContain(`- \`age-out-of-range\`: ${PROBLEM_CATALOGUE[ProblemCode.AgeOutOfRange].summary}`);
  });

  describe('the e2e check', () => {
    let server: Server;
    let base: string;
    const answer = { status: 422, code: 'age-out-of-range' };
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(answer.status, { 'Content-Type': 'application/problem+json' });
        res.end(JSON.stringify({ type: PROBLEM_TYPE_BASE + answer.code, title: 'x', status: answer.status, detail: 'x' }));
      });
      checkProblemCodes(server, () => document);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('passes a code the operation lists under its status, and records one it does not', async () => {
      Object.assign(answer, { status: 422, code: 'age-out-of-range' });
      await fetch(`${base}/api/v1/registrations`, { method: 'POST' });
      expect(undocumentedProblems()).toEqual([]);

      Object.assign(answer, { status: 422, code: 'overpayment' });
      await fetch(`${base}/api/v1/registrations`, { method: 'POST' });
      Object.assign(answer, { status: 409, code: 'age-out-of-range' });
      await fetch(`${base}/api/v1/registrations/`, { method: 'POST' });
      Object.assign(answer, { status: 422, code: 'age-out-of-range' });
      await fetch(`${base}/api/v1/Participants/${'0'.repeat(8)}`, { method: 'PATCH' });
      const found = undocumentedProblems().splice(0);
      expect(found).toEqual([
        expect.stringContaining('POST /api/v1/registrations answered 422 overpayment; the document lists unknown-participant'),
        expect.stringContaining('POST /api/v1/registrations answered 409 age-out-of-range; the document lists already-registered'),
        expect.stringContaining('PATCH /api/v1/participants/{id} answered 422 age-out-of-range; the document lists'),
      ]);
    });
  });
});
