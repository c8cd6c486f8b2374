import { randomUUID } from 'node:crypto';
import { buildApiDocument } from '../src/openapi-document.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Issue 2, "API description": /api/docs and /api/docs-json, generated from the code, public. */
interface Schema {
  type?: string;
  format?: string;
  items?: Schema;
  $ref?: string;
  required?: string[];
  properties?: Record<string, Schema>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: Array<{ name: string; in: string; schema?: Schema }>;
  requestBody?: unknown;
  responses: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string }; example?: unknown; examples?: unknown }> }>;
  security?: Array<Record<string, unknown>>;
  'x-scopes'?: string[];
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string; license?: { name: string } };
  servers?: Array<{ url: string }>;
  security?: Array<Record<string, unknown>>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, { bearerFormat?: string }> };
}

/** The operations of API.md's sections "Bootstrap and identities" to "Participants and budgets". */
const DOCUMENTED = [
  'post /api/v1/users',
  'post /api/v1/integrations',
  'delete /api/v1/integrations/{id}',
  'delete /api/v1/users/{id}/token',
  'post /api/v1/users/{id}/token',
  'post /api/v1/commissioners',
  'get /api/v1/commissioners',
  'get /api/v1/commissioners/{id}',
  'patch /api/v1/commissioners/{id}',
  'post /api/v1/contracts',
  'get /api/v1/contracts',
  'get /api/v1/contracts/{id}',
  'patch /api/v1/contracts/{id}',
  'post /api/v1/contracts/{id}/extensions',
  'post /api/v1/programmes',
  'post /api/v1/terms',
  'post /api/v1/programmes/{programmeId}/sessions',
  'get /api/v1/sessions/{id}',
  'get /api/v1/programmes/{programmeId}/sessions',
  'post /api/v1/participants',
  'get /api/v1/participants',
  'get /api/v1/participants/{id}',
  'patch /api/v1/participants/{id}',
  'post /api/v1/participants/{id}/budgets',
  'get /api/v1/participants/{id}/budgets',
  'get /health/live',
  'get /health/ready',
];

describe('API description', () => {
  let t: TestApp;
  let doc: OpenApi;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method} ${path}`, path, op })));

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.api().get('/api/docs-json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => t?.close());

  it('GET /api/docs serves the OpenAPI UI without a token (and ignores a bad one)', async () => {
    for (const req of [t.api().get('/api/docs'), t.api().get('/api/docs').set('Authorization', 'Bearer nonsense')]) {
      const res = await req;
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(/swagger/i);
    }
  });

  it('GET /api/docs-json is an OpenAPI 3 document, public', async () => {
    const res = await t.api().get('/api/docs-json').set('Authorization', 'Bearer nonsense');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }));
    expect(Object.keys(res.body.components.securitySchemes ?? {})).toContain('bearer');
  });

  it('lists every route of the contract', () => {
    const names = operations().map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(DOCUMENTED));
  });

  it('gives every operation a problem-details default response', () => {
    const problem = doc.components.schemas.ProblemDetails;
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail']));
    expect(Object.keys(problem.properties ?? {})).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'errors']));
    for (const { name, op } of operations()) {
      expect({ name, schema: op.responses.default?.content?.['application/problem+json']?.schema }).toEqual({
        name,
        schema: { $ref: '#/components/schemas/ProblemDetails' },
      });
    }
  });

  it('names the bearer token, the roles and the scopes each protected operation admits', () => {
    for (const { name, op } of operations().filter((o) => o.path.startsWith('/api/v1/'))) {
      expect({ name, security: op.security }).toEqual({ name, security: [{ bearer: [] }] });
      expect({ name, forbidden: op.responses['403']?.description }).toEqual({ name, forbidden: expect.stringMatching(/(^|\n)Allowed roles: admin\b/) });
      expect({ name, unauthorized: op.responses['401']?.description }).toEqual({ name, unauthorized: expect.any(String) });
    }
    expect(doc.paths['/api/v1/participants'].get['x-scopes']).toEqual(['participants:read']);
    expect(doc.paths['/api/v1/participants/{id}'].get['x-scopes']).toEqual(['participants:read']);
    expect(doc.paths['/api/v1/participants'].post['x-scopes']).toBeUndefined();
    expect(doc.paths['/api/v1/participants'].get.responses['403'].description).toMatch(/safeguarding_lead/);
  });

  it('leaves the health checks open', () => {
    // `security: []` overrides the document's default (a bearer token): no token needed
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/health/live'].get.security).toEqual([]);
    expect(doc.paths['/health/ready'].get.security).toEqual([]);
  });
});

/** Issue 10, item 5: a description that generates good clients (npm run openapi:check lints it and compiles one). */
describe('API description for generated clients', () => {
  let t: TestApp;
  let doc: OpenApi;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method} ${path}`, path, op })));
  const properties = () =>
    Object.entries(doc.components.schemas).flatMap(([schema, s]) => Object.entries(s.properties ?? {}).map(([name, p]) => ({ at: `${schema}.${name}`, name, p })));

  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.api().get('/api/docs-json')).body;
  });
  afterAll(() => t?.close());

  it('is the document npm run openapi builds without a server', async () => {
    expect(JSON.parse(JSON.stringify(await buildApiDocument()))).toEqual(doc);
  });

  it('gives every operation a summary and a unique operationId; names a server, a licence and an opaque token', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(80);
    expect(ops.filter(({ op }) => !op.summary?.trim()).map((o) => o.name)).toEqual([]);
    expect(new Set(ops.map(({ op }) => op.operationId)).size).toBe(ops.length);
    expect(doc.servers?.length).toBeGreaterThan(0);
    expect(doc.info.license?.name).toEqual(expect.any(String));
    expect(doc.components.securitySchemes?.bearer?.bearerFormat).toBe('opaque');
  });

  it('types money and counts as integers: no property or parameter is a plain number', () => {
    const numbers = (s: Schema | undefined): boolean => s?.type === 'number' || s?.items?.type === 'number';
    expect(properties().filter(({ p }) => numbers(p)).map((x) => x.at)).toEqual([]);
    const params = operations().flatMap(({ name, op }) => (op.parameters ?? []).filter((p) => numbers(p.schema)).map((p) => `${name} ${p.name}`));
    expect(params).toEqual([]);
    const pence = properties().filter(({ name }) => name.endsWith('Pence'));
    expect(pence.length).toBeGreaterThan(60);
    expect(pence.filter(({ p }) => p.type !== 'integer').map((x) => x.at)).toEqual([]);
    expect(doc.components.schemas.HeadcountResponse.properties?.count.type).toBe('integer');
    expect(doc.components.schemas.ProgrammeResponse.properties?.capacity.type).toBe('integer');
  });

  it('formats ids as uuid, instants as date-time and calendar dates as date', () => {
    // ids that are not this service's UUIDs: a council's own client id, a caller's X-Request-Id
    const notUuids = ['CouncilIdDto.id', 'LineReferenceResponse.councilId', 'EvidenceChild.councilId', 'AuditEventResponse.requestId', 'ProblemDetails.requestId', 'NothingToExportResponse.id', 'NotificationResponse.smtpMessageId'];
    const ids = properties().filter(({ name, p }) => /^(id|.*Id|.*Ids)$/.test(name) && (p.type === 'string' || p.items?.type === 'string'));
    expect(ids.length).toBeGreaterThan(90);
    expect(ids.filter(({ at, p }) => !notUuids.includes(at) && (p.format ?? p.items?.format) !== 'uuid').map((x) => x.at)).toEqual([]);
    const instants = properties().filter(({ at, name, p }) => name.endsWith('At') && p.type === 'string' && at !== 'NothingToExportResponse.createdAt');
    expect(instants.filter(({ p }) => p.format !== 'date-time').map((x) => x.at)).toEqual([]);
    const dates = properties().filter(({ name, p }) => /^(.*On|.*Date|date|validFrom|validTo|periodStart|periodEnd|effectiveFrom)$/.test(name) && p.type === 'string');
    expect(dates.filter(({ p }) => p.format !== 'date').map((x) => x.at)).toEqual([]);
    const pathIds = operations().flatMap(({ name, op }) => (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => ({ name: `${name} ${p.name}`, format: p.schema?.format })));
    expect(pathIds.length).toBeGreaterThan(40);
    expect(pathIds.filter((p) => p.format !== 'uuid')).toEqual([]);
  });

  it('documents each error status an operation can answer as problem details', () => {
    const problem = { $ref: '#/components/schemas/ProblemDetails' };
    for (const { name, op } of operations()) {
      const statuses = Object.keys(op.responses).filter((s) => /^[45]/.test(s));
      for (const status of statuses) {
        expect({ name, status, content: op.responses[status].content }).toEqual({ name, status, content: { 'application/problem+json': { schema: problem } } });
      }
      const expected = ['503'];
      if (op.parameters?.length || op.requestBody) expected.push('400');
      if (op.parameters?.some((p) => p.in === 'path')) expected.push('404');
      if (op.requestBody) expected.push('413', '415');
      if (op['x-scopes']) expected.push('429');
      if (op.security?.length) expected.push('401', '403');
      expect({ name, statuses }).toEqual({ name, statuses: expect.arrayContaining(expected) });
    }
    const statusesOf = (method: string, path: string) => Object.keys(doc.paths[path][method].responses);
    expect(statusesOf('post', '/api/v1/registrations')).toEqual(expect.arrayContaining(['409', '422']));
    expect(statusesOf('post', '/api/v1/commissioners')).toEqual(expect.arrayContaining(['409']));
    expect(statusesOf('post', '/api/v1/terms')).toEqual(expect.arrayContaining(['422']));
  });

  it('describes the problem details the service really sends', async () => {
    const schema = doc.components.schemas.ProblemDetails;
    const res = await t.api().get(`/api/v1/participants/${randomUUID()}`).set('Authorization', `Bearer ${t.adminToken}`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(Object.keys(body)));
    expect(Object.keys(body)).toEqual(expect.arrayContaining(schema.required ?? []));
    expect(body.status).toBe(404);
  });

  it('gives the main operations response examples', () => {
    const main = [
      'post /api/v1/participants',
      'get /api/v1/participants',
      'get /api/v1/participants/{id}',
      'post /api/v1/registrations',
      'get /api/v1/registrations',
      'get /api/v1/registrations/{id}',
      'post /api/v1/registrations/{id}/withdraw',
      'get /api/v1/programmes/{id}',
      'get /api/v1/terms/{id}',
      'get /api/v1/programmes/{programmeId}/terms/{termId}/headcount',
      'get /api/v1/invoices',
      'get /api/v1/invoices/{id}',
      'get /api/v1/case-notes/{id}',
      'post /api/v1/participants/{id}/case-notes',
      'get /api/v1/billing-runs/{id}',
      'post /api/v1/billing-runs',
    ];
    for (const name of main) {
      const { op } = operations().find((o) => o.name === name)!;
      const ok = Object.entries(op.responses).filter(([status]) => /^2/.test(status)).map(([, r]) => r.content?.['application/json']);
      expect({ name, example: ok.some((c) => c?.example !== undefined || c?.examples !== undefined) }).toEqual({ name, example: true });
    }
  });
});
