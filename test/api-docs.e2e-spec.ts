import { createTestApp, type TestApp } from './support/test-app.js';

/** Issue 2, "API description": /api/docs and /api/docs-json, generated from the code, public. */
interface Operation {
  responses: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
  security?: Array<Record<string, unknown>>;
  'x-scopes'?: string[];
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }>; securitySchemes?: Record<string, unknown> };
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
    expect(doc.paths['/health/live'].get.security).toBeUndefined();
    expect(doc.paths['/health/ready'].get.security).toBeUndefined();
  });
});
