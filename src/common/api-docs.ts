import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { documentIdParameters, documentProblems, documentSecurity } from './openapi.js';

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details (Content-Type: application/problem+json), as every error of this API is answered',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      description: 'https://short-breaks.example/problems/ followed by the stable code of the problem (for 422, of the rule)',
      example: 'https://short-breaks.example/problems/age-out-of-range',
    },
    title: { type: 'string', example: 'Business rule refused the request' },
    status: { type: 'integer', description: 'The HTTP status', example: 422 },
    detail: { type: 'string', description: 'What went wrong; for 422, which rule refused the request' },
    errors: {
      type: 'array',
      description: 'For validation failures: one entry per failing field (at most 20)',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string', example: 'dateOfBirth' }, message: { type: 'string', example: 'must be a real calendar date written YYYY-MM-DD' } },
      },
    },
    instance: { type: 'string', format: 'uri-reference', description: 'The path of the request', example: '/api/v1/registrations' },
    requestId: { type: 'string', description: 'The X-Request-Id under which the logs hold this request' },
  },
};

const DESCRIPTION = `Back office of a short-breaks provider: commissioners and contracts, programmes, terms and sessions,
participants and personal budgets, registrations, headcounts, billing and case notes.

**Auth.** Every endpoint except /health/* and this description needs \`Authorization: Bearer <token>\`.
Missing or unknown token → 401; a known token without the role or scope → 403. Staff tokens carry a role
(admin may do everything; each operation's 403 response lists the other roles allowed). Integration API keys
carry scopes (case-notes:write, attendance:write, participants:read) and can do only what those name.

**Errors** are RFC 9457 problem details: 400 validation (each failing field named in \`errors\`, unknown fields
refused, malformed JSON, malformed ids), 401, 403, 404, 409 duplicate, 413 body over 1 MB, 422 business rule
(\`detail\` names the rule), never a 500 for bad input.

**Lists** return \`{ items, nextCursor }\` and take \`?limit=\` (1-200, default 50) and \`?cursor=\`.
Money is integer pence in fields ending in \`Pence\`; dates are YYYY-MM-DD in the Europe/London calendar.`;

/** The OpenAPI document of `app` (its routes and global prefix set), as /api/docs-json serves it. */
export function createApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Short breaks back office')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .setLicense('Proprietary (UNLICENSED): all rights reserved', 'https://short-breaks.example/licence')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque', description: 'A staff token or an integration API key (opaque strings, not JWTs)' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = document.components ?? {};
  document.components.schemas = { ...(document.components.schemas ?? {}), ProblemDetails: PROBLEM_SCHEMA as never };
  documentIdParameters(app, document);
  documentSecurity(app, document);
  documentProblems(app, document);
  return document;
}

/** Serves the OpenAPI UI at /api/docs and the document at /api/docs-json, generated from the code. */
export function setUpApiDocs(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, createApiDocument(app), { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });
}
