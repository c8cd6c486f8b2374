import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { prepareDatabase } from '../src/database/prepare.js';
import { factories, unique } from './factories.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';
import { dropTestDatabase, runPrefix, uniqueName, urlFor, withAdminClient } from './support/test-database.js';

/** Issue 2: bootstrap administrator, users with roles, integration keys with scopes, revocation. */

const sha256 = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

/** A route each role may call (so a 200 there proves the token works). */
const ROUTE_FOR_ROLE: Record<string, string> = {
  admin: '/api/v1/users',
  coordinator: '/api/v1/programmes',
  support_worker: '/api/v1/participants',
  finance: '/api/v1/commissioners',
  safeguarding_lead: '/api/v1/participants',
};

describe('identities', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
  });
  afterAll(() => t?.close());

  const get = (path: string, token?: string) => {
    const req = t.api().get(path);
    return token === undefined ? req : req.set(bearer(token));
  };

  describe('bootstrap administrator', () => {
    it('exists once, holds the admin role, and its token works', async () => {
      const { rows } = await t.db.query(`SELECT role, token_hash FROM users WHERE role = 'admin'`);
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toBe(sha256(t.adminToken));
      const res = await get('/api/v1/users', t.adminToken);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'admin', hasToken: true })]));
    });

    it('is not created again when an administrator exists, even with a different BOOTSTRAP_ADMIN_TOKEN', async () => {
      const other = `another-bootstrap-token-${randomBytes(16).toString('hex')}`;
      const prepared = await prepareDatabase(t.databaseUrl, other);
      expect(prepared).toEqual({ appliedMigrations: [], createdBootstrapAdmin: false, administratorExists: true });
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`);
      expect(rows[0].n).toBe(1);
      expectProblem(await get('/api/v1/users', other), 401);
      expect((await get('/api/v1/users', t.adminToken)).status).toBe(200);
    });

    it('concurrent prepareDatabase calls on an empty database migrate once and create exactly one administrator', async () => {
      const name = uniqueName(runPrefix());
      await withAdminClient((c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
      const url = urlFor(name);
      try {
        const tokens = Array.from({ length: 6 }, (_, i) => `concurrent-bootstrap-${i}-${randomBytes(16).toString('hex')}`);
        const results = await Promise.all(tokens.map((token) => prepareDatabase(url, token)));
        expect(results.filter((r) => r.createdBootstrapAdmin)).toHaveLength(1);
        expect(results.filter((r) => r.appliedMigrations.length > 0)).toHaveLength(1);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const admins = await client.query(`SELECT token_hash FROM users WHERE role = 'admin'`);
          expect(admins.rows).toHaveLength(1);
          const winner = results.findIndex((r) => r.createdBootstrapAdmin);
          expect(admins.rows[0].token_hash).toBe(sha256(tokens[winner]));
          const applied = results.find((r) => r.appliedMigrations.length > 0)!.appliedMigrations;
          const migrations = await client.query('SELECT name FROM schema_migrations ORDER BY id');
          expect(migrations.rows.map((r) => r.name)).toEqual(applied);
        } finally {
          await client.end();
        }
      } finally {
        await dropTestDatabase(name);
      }
    });
  });

  describe('users', () => {
    it.each(Object.keys(ROUTE_FOR_ROLE))('POST /users with role %s → 201 and a token that works; only its hash is stored', async (role) => {
      const email = `${unique(role)}@museum.example`;
      const res = await t.api().post('/api/v1/users').set(bearer(t.adminToken)).send({ name: `Sam ${role}`, email, role });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({ id: expect.any(String), name: `Sam ${role}`, email, role, token: expect.any(String) }),
      );
      const { token, id } = res.body;
      expect(token.length).toBeGreaterThanOrEqual(32);
      expect((await get(ROUTE_FOR_ROLE[role], token)).status).toBe(200);

      // the row holds the hash and nothing else resembling the token
      const { rows } = await t.db.query('SELECT row_to_json(u)::text AS json, token_hash FROM users u WHERE id = $1', [id]);
      expect(rows[0].token_hash).toBe(sha256(token));
      expect(rows[0].json).not.toContain(token);
      const { rows: all } = await t.db.query(`SELECT count(*)::int AS n FROM users u WHERE strpos(row_to_json(u)::text, $1) > 0`, [token]);
      expect(all[0].n).toBe(0);

      // GET never shows a token or its hash
      const shown = await get(`/api/v1/users/${id}`, t.adminToken);
      expect(shown.status).toBe(200);
      expect(shown.body).toEqual(expect.objectContaining({ id, role, hasToken: true }));
      expect(JSON.stringify(shown.body)).not.toContain(token);
      expect(JSON.stringify(shown.body)).not.toContain(sha256(token));
      expect(shown.body).not.toHaveProperty('token');
    });

    it('refuses a duplicate email (case-insensitive) with 409', async () => {
      const email = `${unique('dup')}@museum.example`;
      await f.user('coordinator', { email });
      expectProblem(await t.api().post('/api/v1/users').set(bearer(t.adminToken)).send({ name: 'Again', email, role: 'finance' }), 409);
      expectProblem(
        await t.api().post('/api/v1/users').set(bearer(t.adminToken)).send({ name: 'Again', email: email.toUpperCase(), role: 'finance' }),
        409,
      );
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)', [email]);
      expect(rows[0].n).toBe(1);
    });

    it('concurrent POSTs of one email → exactly one 201, the rest 409', async () => {
      const email = `${unique('race')}@museum.example`;
      const results = await Promise.all(
        Array.from({ length: 6 }, () => t.api().post('/api/v1/users').set(bearer(t.adminToken)).send({ name: 'Race', email, role: 'finance' })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    });

    it('refuses an unknown role and a bad email, naming the field', async () => {
      expectProblem(
        await t.api().post('/api/v1/users').set(bearer(t.adminToken)).send({ name: 'X', email: `${unique('x')}@m.example`, role: 'superuser' }),
        400,
        'role',
      );
      expectProblem(await t.api().post('/api/v1/users').set(bearer(t.adminToken)).send({ name: 'X', email: 'not-an-email', role: 'finance' }), 400, 'email');
    });

    it('DELETE /users/:id/token revokes at once; POST /users/:id/token issues a new one', async () => {
      const user = await f.user('coordinator');
      expect((await get('/api/v1/programmes', user.token)).status).toBe(200);

      const revoked = await t.api().delete(`/api/v1/users/${user.id}/token`).set(bearer(t.adminToken));
      expect(revoked.status).toBe(204);
      expectProblem(await get('/api/v1/programmes', user.token), 401);
      expect((await get(`/api/v1/users/${user.id}`, t.adminToken)).body.hasToken).toBe(false);
      const { rows } = await t.db.query('SELECT token_hash FROM users WHERE id = $1', [user.id]);
      expect(rows[0].token_hash).toBeNull();

      const issued = await t.api().post(`/api/v1/users/${user.id}/token`).set(bearer(t.adminToken));
      expect(issued.status).toBe(201);
      expect(issued.body).toEqual(expect.objectContaining({ id: user.id, role: 'coordinator', token: expect.any(String) }));
      expect(issued.body.token).not.toBe(user.token);
      expect((await get('/api/v1/programmes', issued.body.token)).status).toBe(200);
      expectProblem(await get('/api/v1/programmes', user.token), 401);

      // re-issuing replaces the previous token at once too
      const again = await t.api().post(`/api/v1/users/${user.id}/token`).set(bearer(t.adminToken));
      expect(again.status).toBe(201);
      expectProblem(await get('/api/v1/programmes', issued.body.token), 401);
      expect((await get('/api/v1/programmes', again.body.token)).status).toBe(200);
    });

    it('revoking or issuing for an unknown user → 404', async () => {
      expectProblem(await t.api().delete(`/api/v1/users/${NO_SUCH_ID}/token`).set(bearer(t.adminToken)), 404);
      expectProblem(await t.api().post(`/api/v1/users/${NO_SUCH_ID}/token`).set(bearer(t.adminToken)), 404);
      expectProblem(await get(`/api/v1/users/${NO_SUCH_ID}`, t.adminToken), 404);
    });
  });

  describe('integration keys', () => {
    it('POST /integrations → 201 with an apiKey that can do only what its scopes name', async () => {
      const participant = await f.participant();
      const res = await t.api().post('/api/v1/integrations').set(bearer(t.adminToken)).send({ name: 'Form tool', scopes: ['participants:read'] });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({ id: expect.any(String), name: 'Form tool', scopes: ['participants:read'], apiKey: expect.any(String) }),
      );
      const key = res.body.apiKey;
      const { rows } = await t.db.query('SELECT key_hash, row_to_json(i)::text AS json FROM integrations i WHERE id = $1', [res.body.id]);
      expect(rows[0].key_hash).toBe(sha256(key));
      expect(rows[0].json).not.toContain(key);

      expect((await get('/api/v1/participants', key)).status).toBe(200);
      expect((await get(`/api/v1/participants/${participant.id}`, key)).status).toBe(200);
      expectProblem(await get('/api/v1/programmes', key), 403);
      expectProblem(await get('/api/v1/commissioners', key), 403);
      expectProblem(await get('/api/v1/users', key), 403);
      expectProblem(await t.api().post('/api/v1/participants').set(bearer(key)).send({}), 403);
      expectProblem(await t.api().patch(`/api/v1/participants/${participant.id}`).set(bearer(key)).send({ firstName: 'X' }), 403);

      // a key without participants:read may not read participants
      const other = await f.integration(['case-notes:write', 'attendance:write']);
      expectProblem(await get('/api/v1/participants', other.apiKey), 403);
    });

    it('refuses unknown or missing scopes', async () => {
      expectProblem(await t.api().post('/api/v1/integrations').set(bearer(t.adminToken)).send({ name: 'X', scopes: ['everything'] }), 400, 'scopes');
      expectProblem(await t.api().post('/api/v1/integrations').set(bearer(t.adminToken)).send({ name: 'X', scopes: [] }), 400, 'scopes');
      expectProblem(await t.api().post('/api/v1/integrations').set(bearer(t.adminToken)).send({ name: 'X' }), 400, 'scopes');
    });

    it('DELETE /integrations/:id → the key gets 401 on the very next request', async () => {
      const integration = await f.integration(['participants:read']);
      expect((await get('/api/v1/participants', integration.apiKey)).status).toBe(200);
      expect((await t.api().delete(`/api/v1/integrations/${integration.id}`).set(bearer(t.adminToken))).status).toBe(204);
      expectProblem(await get('/api/v1/participants', integration.apiKey), 401);
      const shown = await get(`/api/v1/integrations/${integration.id}`, t.adminToken);
      expect(shown.status).toBe(200);
      expect(shown.body.revokedAt).toEqual(expect.any(String));
      expect(shown.body).not.toHaveProperty('apiKey');
      // revoking again changes nothing
      expect((await t.api().delete(`/api/v1/integrations/${integration.id}`).set(bearer(t.adminToken))).status).toBe(204);
      expectProblem(await t.api().delete(`/api/v1/integrations/${NO_SUCH_ID}`).set(bearer(t.adminToken)), 404);
    });
  });

  describe('bearer tokens', () => {
    it.each([
      ['no Authorization header', undefined],
      ['an empty header', ''],
      ['a bare "Bearer"', 'Bearer'],
      ['"Bearer " with nothing after it', 'Bearer '],
      ['a Basic credential', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
      ['two words after Bearer', 'Bearer abc def'],
      ['an unknown user token', `Bearer sbu_${randomBytes(32).toString('base64url')}`],
      ['an unknown integration key', `Bearer sbk_${randomBytes(32).toString('base64url')}`],
      ['an unknown token of another shape', 'Bearer 12345'],
      ['a very long token', `Bearer ${'a'.repeat(5000)}`],
    ])('%s → 401 problem+json', async (_what, header) => {
      const req = t.api().get('/api/v1/programmes');
      if (header !== undefined) req.set('Authorization', header);
      expectProblem(await req, 401);
    });

    it('accepts the scheme case-insensitively', async () => {
      expect((await t.api().get('/api/v1/users').set('Authorization', `bearer ${t.adminToken}`)).status).toBe(200);
    });

    it('the hash of a token is not itself a token', async () => {
      expectProblem(await get('/api/v1/users', sha256(t.adminToken)), 401);
    });

    it('a known token without the role → 403 (not 401, not 404)', async () => {
      const finance = await f.user('finance');
      expectProblem(await get('/api/v1/users', finance.token), 403);
      expectProblem(await get('/api/v1/programmes', finance.token), 403);
      const code = unique('FORBIDDEN');
      expectProblem(await t.api().post('/api/v1/commissioners').set(bearer(finance.token)).send({ name: 'X', code }), 403);
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM commissioners WHERE code = $1', [code]);
      expect(rows[0].n).toBe(0);
    });
  });
});
