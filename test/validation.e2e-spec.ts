import { type Body, factories, termInYear, unique } from './factories.js';
import { Fuzzer, type Json, Random } from './support/fuzz.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 2, "Errors": RFC 9457 problem details on every failure, each failing field named, and bad
 * input never answered with a 5xx nor leaving rows behind. The last part fuzzes every POST and PATCH
 * route with seeded random JSON (FUZZ_SEED=<n> replays a run; FUZZ_CASES=<n> changes its size;
 * FUZZ_VERBOSE=1 prints every route's status counts, which are otherwise printed only when it fails).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const CASES = Number(process.env.FUZZ_CASES ?? 150);
const VERBOSE = process.env.FUZZ_VERBOSE === '1';

/** Every table a request of these routes could write to. */
const TABLES = [
  'users',
  'integrations',
  'commissioners',
  'contracts',
  'contract_programmes',
  'programmes',
  'terms',
  'sessions',
  'programme_terms',
  'participants',
  'personal_budgets',
  'registrations',
  'attendance',
];

describe('validation and problem details', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let ctx: {
    commissioner: Body & { id: string };
    programme: Body & { id: string };
    term: Body & { id: string };
    contract: Body & { id: string };
    session: Body & { id: string };
    participant: Body & { id: string };
    budget: Body & { id: string };
    user: Body & { id: string };
    integration: Body & { id: string };
  };

  const raw = (method: 'post' | 'patch' | 'get' | 'delete', path: string, body?: string, contentType = 'application/json') => {
    const req = t.api()[method](path).set(bearer(t.adminToken));
    return body === undefined ? req : req.set('Content-Type', contentType).send(body);
  };
  const post = (path: string, body: unknown) => raw('post', path, JSON.stringify(body));

  async function counts(): Promise<Record<string, number>> {
    const { rows } = await t.db.query(`SELECT ${TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`);
    return rows[0];
  }

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    const commissioner = await f.commissioner();
    const programme = await f.programme();
    const term = await f.term(termInYear(2290));
    const participant = await f.participant({ medicalNotes: 'Asthma' });
    ctx = {
      commissioner,
      programme,
      term,
      contract: await f.contract(commissioner.id, [programme.id], { startsOn: '2290-01-01', endsOn: '2290-12-31' }),
      session: await f.session(programme.id, { date: '2290-02-03' }),
      participant,
      budget: await f.budget(participant.id, commissioner.id),
      user: await f.user('coordinator'),
      integration: await f.integration(['participants:read']),
    };
  });
  afterAll(() => t?.close());

  describe('problem details for every kind of failure', () => {
    it('400 validation: type, title, status, detail and one errors[] entry per failing field', async () => {
      const res = await post('/api/v1/programmes', { name: '', venue: 7, minAge: 'eleven' });
      expectProblem(res, 400);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(new Set(fields)).toEqual(new Set(['name', 'venue', 'minAge', 'maxAge']));
      for (const e of res.body.errors) expect(e.message.length).toBeGreaterThan(0);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    });

    it('401, 403, 404 (record and route), 409, 413, 422 are all problem+json', async () => {
      expectProblem(await t.api().get('/api/v1/programmes'), 401);
      expectProblem(await t.api().get('/api/v1/users').set(bearer(String(ctx.user.token))), 403);
      expectProblem(await raw('get', `/api/v1/programmes/${NO_SUCH_ID}`), 404);
      expectProblem(await raw('get', '/api/v1/no-such-route'), 404);
      expectProblem(await t.api().get('/no-such-route'), 404);
      expectProblem(await post('/api/v1/commissioners', { name: 'Again', code: ctx.commissioner.code }), 409);
      expectProblem(await raw('post', '/api/v1/commissioners', JSON.stringify({ name: 'x'.repeat(1_100_000), code: 'X' })), 413);
      expectProblem(await post('/api/v1/programmes', { name: 'P', venue: 'V', minAge: 15, maxAge: 11 }), 422);
    });

    it('never leaks a stack trace or SQL', async () => {
      const res = await post('/api/v1/commissioners', { name: 'Again', code: ctx.commissioner.code });
      expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|INSERT|SELECT|QueryFailedError|node_modules/);
    });
  });

  describe('bodies', () => {
    it('unknown fields → 400 naming them, at the top and nested', async () => {
      expectProblem(await post('/api/v1/commissioners', { name: 'N', code: unique('C'), colour: 'blue' }), 400, 'colour');
      expectProblem(
        await post('/api/v1/participants', {
          firstName: 'A',
          lastName: 'B',
          dateOfBirth: '2013-05-14',
          guardians: [{ name: 'G', relationship: 'mother', shoeSize: 9 }],
        }),
        400,
        'guardians.0.shoeSize',
      );
      expectProblem(await raw('patch', `/api/v1/programmes/${ctx.programme.id}`, JSON.stringify({ id: NO_SUCH_ID })), 400, 'id');
    });

    it.each(['__proto__', 'constructor', 'prototype'])('a "%s" key is an unknown field too (400), not silently dropped', async (key) => {
      const before = await counts();
      const body = `{"name":"N","code":"${unique('C')}","${key}":{"paymentTermsDays":1}}`;
      expectProblem(await raw('post', '/api/v1/commissioners', body), 400, key);
      expect(await counts()).toEqual(before);
    });

    it.each([
      ['truncated', '{"name":"N","code":"C"'],
      ['trailing comma', '{"name":"N","code":"C",}'],
      ['single quotes', "{'name':'N'}"],
      ['bare word', 'hello'],
      ['two objects', '{}{}'],
      ['a comment', '{"name":"N" /* x */}'],
      ['NaN', '{"paymentTermsDays":NaN}'],
    ])('malformed JSON (%s) → 400', async (_what, body) => {
      expectProblem(await raw('post', '/api/v1/commissioners', body), 400);
    });

    it.each([
      ['an array', '[{"name":"N","code":"C"}]'],
      ['an empty array', '[]'],
      ['a string', '"name"'],
      ['a number', '42'],
      ['null', 'null'],
      ['true', 'true'],
    ])('a body that is %s → 400', async (_what, body) => {
      expectProblem(await raw('post', '/api/v1/commissioners', body), 400);
      expectProblem(await raw('patch', `/api/v1/commissioners/${ctx.commissioner.id}`, body), 400);
    });

    it('no body, an empty body, or a body that is not JSON → 400', async () => {
      expectProblem(await raw('post', '/api/v1/commissioners'), 400);
      expectProblem(await raw('post', '/api/v1/commissioners', ''), 400);
      expectProblem(await raw('post', '/api/v1/commissioners', 'name=N&code=C', 'application/x-www-form-urlencoded'), 400);
      expectProblem(await raw('post', '/api/v1/commissioners', '{"name":"N","code":"C"}', 'text/plain'), 400);
    });

    it('a body over 1 MB → 413 problem+json, and nothing is stored; just under 1 MB is read (and refused for its content)', async () => {
      const before = await counts();
      const over = JSON.stringify({ name: 'N', code: unique('BIG'), address: 'a'.repeat(1024 * 1024) });
      const res = await raw('post', '/api/v1/commissioners', over);
      expectProblem(res, 413);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
      const under = JSON.stringify({ name: 'N', code: unique('BIG'), address: 'a'.repeat(1024 * 1024 - 200) });
      expect(Buffer.byteLength(under)).toBeLessThan(1024 * 1024);
      expectProblem(await raw('post', '/api/v1/commissioners', under), 400, 'address');
      expect(await counts()).toEqual(before);
    });

    it('strings with NUL characters → 400 naming the field, wherever they are', async () => {
      expectProblem(await post('/api/v1/commissioners', { name: 'N\u0000', code: unique('C') }), 400, 'name');
      expectProblem(
        await post('/api/v1/participants', { firstName: 'A', lastName: 'B', dateOfBirth: '2013-05-14', guardians: [{ name: 'G\u0000', relationship: 'm' }] }),
        400,
        'guardians.0.name',
      );
      expectProblem(await raw('patch', `/api/v1/participants/${ctx.participant.id}`, JSON.stringify({ medicalNotes: 'x\u0000y' })), 400, 'medicalNotes');
    });

    it('garbage nested thousands of levels deep → 400, not a stack overflow', async () => {
      for (const deep of ['['.repeat(100_000) + ']'.repeat(100_000), '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000)]) {
        expectProblem(await raw('post', '/api/v1/commissioners', `{"name":"N","code":"C","extra":${deep}}`), 400);
        expectProblem(await raw('post', '/api/v1/participants', `{"firstName":"A","guardians":${deep}}`), 400);
      }
      // a little nesting is simply a wrong value
      expectProblem(await post('/api/v1/commissioners', { name: [[['N']]], code: unique('C') }), 400, 'name');
    });

    it('lone surrogates and other odd unicode never make a 5xx', async () => {
      for (const text of ['\ud800', 'a\udfffb', '\u202e', '🎨', 'e\u0301']) {
        const res = await post('/api/v1/participants', {
          firstName: text,
          lastName: 'B',
          dateOfBirth: '2013-05-14',
          guardians: [{ name: text, relationship: text }],
          medicalNotes: text,
        });
        expect(res.status).toBeLessThan(500);
      }
    });
  });

  describe('field values', () => {
    const dateFields: Array<[string, () => string, () => Body, string]> = [
      ['contract startsOn', () => '/api/v1/contracts', () => contractBody(), 'startsOn'],
      ['contract endsOn', () => '/api/v1/contracts', () => contractBody(), 'endsOn'],
      ['term startsOn', () => '/api/v1/terms', () => termInYear(2295), 'startsOn'],
      ['term endsOn', () => '/api/v1/terms', () => termInYear(2295), 'endsOn'],
      ['term censusDate', () => '/api/v1/terms', () => termInYear(2295), 'censusDate'],
      ['session date', () => `/api/v1/programmes/${ctx.programme.id}/sessions`, () => ({ date: '2290-02-10', startTime: '10:00', endTime: '15:00' }), 'date'],
      ['participant dateOfBirth', () => '/api/v1/participants', () => participantBody(), 'dateOfBirth'],
      ['budget validFrom', () => `/api/v1/participants/${ctx.participant.id}/budgets`, () => budgetBody(), 'validFrom'],
      ['budget validTo', () => `/api/v1/participants/${ctx.participant.id}/budgets`, () => budgetBody(), 'validTo'],
    ];
    const contractBody = (): Body => ({
      commissionerId: ctx.commissioner.id,
      reference: unique('R'),
      startsOn: '2291-01-01',
      endsOn: '2291-12-31',
      pricePerTermPence: 45000,
      programmeIds: [ctx.programme.id],
    });
    const participantBody = (): Body => ({ firstName: 'A', lastName: 'B', dateOfBirth: '2013-05-14', guardians: [{ name: 'G', relationship: 'mother' }] });
    const budgetBody = (): Body => ({
      type: 'managed',
      commissionerId: ctx.commissioner.id,
      reference: unique('PB'),
      amountPence: 1000,
      validFrom: '2026-04-01',
      validTo: '2027-03-31',
    });

    it.each(dateFields)('%s: impossible or malformed dates → 400 naming the field', async (_what, path, body, field) => {
      const before = await counts();
      for (const bad of ['2027-02-30', '2027-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-10-00', '26-10-10', '2026/10/10', '2026-10-10T10:00:00Z', ' 2026-10-10', '', 20261010, true, null, ['2026-10-10']]) {
        expectProblem(await post(path(), { ...body(), [field]: bad }), 400, field);
      }
      expect(await counts()).toEqual(before);
    });

    it.each([
      ['contract pricePerTermPence', () => '/api/v1/contracts', () => contractBody(), 'pricePerTermPence'],
      ['budget amountPence', () => `/api/v1/participants/${ctx.participant.id}/budgets`, () => budgetBody(), 'amountPence'],
    ])('%s: fractional, negative, huge or non-numeric pence → 400 naming the field', async (_what, path, body, field) => {
      const before = await counts();
      for (const bad of [1.5, 0.01, 100.1, -1, -0.5, 2 ** 31, 1e21, 1e308, '1000', '1.5', null, true, [1000], { pence: 1000 }]) {
        expectProblem(await post(path(), { ...body(), [field]: bad }), 400, field);
      }
      const huge = JSON.stringify({ ...body() }).replace(/}$/, `,"${field}":${'9'.repeat(400)}}`);
      expectProblem(await raw('post', path(), huge), 400, field);
      expect(await counts()).toEqual(before);
    });

    it('huge numbers anywhere → 400, never a database overflow', async () => {
      const before = await counts();
      const cases: Array<[string, Body, string]> = [
        ['/api/v1/commissioners', { name: 'N', code: unique('C'), paymentTermsDays: 1e308 }, 'paymentTermsDays'],
        ['/api/v1/programmes', { name: 'P', venue: 'V', minAge: 11, maxAge: 15, capacity: 2 ** 53 }, 'capacity'],
        ['/api/v1/programmes', { name: 'P', venue: 'V', minAge: 11, maxAge: 1e21 }, 'maxAge'],
        ['/api/v1/contracts', { ...contractBody(), minParticipants: 2 ** 31 }, 'minParticipants'],
        ['/api/v1/contracts', { ...contractBody(), vatRateBasisPoints: 1e300 }, 'vatRateBasisPoints'],
        [`/api/v1/programmes/${ctx.programme.id}/sessions`, { date: '2290-02-17', startTime: '10:00', endTime: '15:00', capacity: 2 ** 31 }, 'capacity'],
      ];
      for (const [path, body, field] of cases) expectProblem(await post(path, body), 400, field);
      expectProblem(await raw('patch', `/api/v1/sessions/${ctx.session.id}`, JSON.stringify({ capacity: 1e308 })), 400, 'capacity');
      expectProblem(await raw('patch', `/api/v1/programmes/${ctx.programme.id}`, JSON.stringify({ capacity: 2 ** 40 })), 400, 'capacity');
      expect(await counts()).toEqual(before);
    });
  });

  describe('ids in paths', () => {
    const ROUTES: Array<['get' | 'post' | 'patch' | 'delete', string]> = [
      ['get', '/api/v1/users/:id'],
      ['delete', '/api/v1/users/:id/token'],
      ['post', '/api/v1/users/:id/token'],
      ['get', '/api/v1/integrations/:id'],
      ['delete', '/api/v1/integrations/:id'],
      ['get', '/api/v1/commissioners/:id'],
      ['patch', '/api/v1/commissioners/:id'],
      ['get', '/api/v1/contracts/:id'],
      ['patch', '/api/v1/contracts/:id'],
      ['get', '/api/v1/programmes/:id'],
      ['patch', '/api/v1/programmes/:id'],
      ['get', '/api/v1/terms/:id'],
      ['post', '/api/v1/programmes/:programmeId/sessions'],
      ['get', '/api/v1/programmes/:programmeId/sessions'],
      ['get', '/api/v1/sessions/:id'],
      ['patch', '/api/v1/sessions/:id'],
      ['get', '/api/v1/participants/:id'],
      ['patch', '/api/v1/participants/:id'],
      ['post', '/api/v1/participants/:id/budgets'],
      ['get', '/api/v1/participants/:id/budgets'],
      ['get', '/api/v1/budgets/:id'],
    ];
    const BAD_IDS = [
      'abc',
      '123',
      NO_SUCH_ID.slice(0, -1),
      `${NO_SUCH_ID}0`,
      NO_SUCH_ID.replace(/-/g, ''),
      'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
      encodeURIComponent("1' OR '1'='1"),
      '%00',
      'null',
      'undefined',
      encodeURIComponent('{01a00000-0000-7000-8000-000000000000}'),
    ];

    it.each(ROUTES)('%s %s: malformed UUIDs → 400 naming the parameter; a well-formed unknown one → 404', async (method, path) => {
      const param = /:(\w+)/.exec(path)![1];
      for (const bad of BAD_IDS) {
        const res = await raw(method, path.replace(`:${param}`, bad), method === 'post' || method === 'patch' ? '{}' : undefined);
        expectProblem(res, 400, param);
      }
      const res = await raw(method, path.replace(`:${param}`, NO_SUCH_ID.toUpperCase()), method === 'post' || method === 'patch' ? '{}' : undefined);
      expect([400, 404]).toContain(res.status);
      if (method === 'get' || method === 'delete') expectProblem(res, 404);
    });

    it('an upper-case UUID names the same record', async () => {
      const res = await raw('get', `/api/v1/programmes/${ctx.programme.id.toUpperCase()}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(ctx.programme.id);
    });
  });

  describe(`random JSON fuzzing (seed ${SEED}, ${CASES} cases per route)`, () => {
    interface FuzzRoute {
      method: 'post' | 'patch';
      name: string;
      path: () => string;
      valid: (r: Random) => Record<string, Json>;
      /** The record a PATCH changes: it must be unchanged when the request is refused. */
      target?: () => { table: string; id: string };
    }
    const year = (r: Random) => 2300 + r.int(600);
    const ROUTES: FuzzRoute[] = [
      { method: 'post', name: '/users', path: () => '/api/v1/users', valid: (r) => ({ name: 'Sam', email: `${unique('fuzz')}@museum.example`, role: r.pick(['coordinator', 'finance']) }) },
      { method: 'post', name: '/integrations', path: () => '/api/v1/integrations', valid: () => ({ name: 'Tool', scopes: ['participants:read', 'attendance:write'] }) },
      {
        method: 'post',
        name: '/commissioners', path: () => '/api/v1/commissioners',
        valid: () => ({ name: 'Norfolk County Council', code: unique('NCC'), invoiceEmail: 'ap@norfolk.example', paymentTermsDays: 30, address: 'County Hall' }),
      },
      {
        method: 'patch',
        name: '/commissioners/:id', path: () => `/api/v1/commissioners/${ctx.commissioner.id}`,
        valid: () => ({ name: 'Renamed', invoiceEmail: 'new@council.example', paymentTermsDays: 14 }),
        target: () => ({ table: 'commissioners', id: ctx.commissioner.id }),
      },
      {
        method: 'post',
        name: '/contracts', path: () => '/api/v1/contracts',
        valid: (r) => {
          const y = year(r);
          return {
            commissionerId: ctx.commissioner.id,
            reference: unique('C'),
            startsOn: `${y}-01-01`,
            endsOn: `${y}-12-31`,
            pricePerTermPence: 45000,
            minParticipants: 6,
            poNumber: 'PO-1',
            vatRateBasisPoints: 0,
            programmeIds: [ctx.programme.id],
          };
        },
      },
      {
        method: 'patch',
        name: '/contracts/:id', path: () => `/api/v1/contracts/${ctx.contract.id}`,
        valid: () => ({ poNumber: 'PO-2', pricePerTermPence: 47000, endsOn: '2290-12-31', programmeIds: [ctx.programme.id] }),
        target: () => ({ table: 'contracts', id: ctx.contract.id }),
      },
      {
        method: 'post',
        name: '/programmes', path: () => '/api/v1/programmes',
        valid: () => ({ name: 'Holiday Club', venue: 'Museum of Zoology', minAge: 8, maxAge: 12, capacity: 10, description: 'Summer' }),
      },
      {
        method: 'patch',
        name: '/programmes/:id', path: () => `/api/v1/programmes/${ctx.programme.id}`,
        valid: () => ({ name: 'Arts Pioneers', capacity: 12, description: 'Monthly' }),
        target: () => ({ table: 'programmes', id: ctx.programme.id }),
      },
      { method: 'post', name: '/terms', path: () => '/api/v1/terms', valid: (r) => termInYear(year(r)) as Record<string, Json> },
      {
        method: 'post',
        name: '/programmes/:id/sessions', path: () => `/api/v1/programmes/${ctx.programme.id}/sessions`,
        valid: (r) => ({ date: `2290-02-${String(1 + r.int(28)).padStart(2, '0')}`, startTime: '09:00', endTime: '12:00', venue: 'Gallery 3', capacity: 10 }),
      },
      {
        method: 'patch',
        name: '/sessions/:id', path: () => `/api/v1/sessions/${ctx.session.id}`,
        valid: () => ({ startTime: '10:00', endTime: '15:00', venue: 'Gallery 1', capacity: 12 }),
        target: () => ({ table: 'sessions', id: ctx.session.id }),
      },
      {
        method: 'post',
        name: '/participants', path: () => '/api/v1/participants',
        valid: () => ({
          firstName: 'Jamie',
          lastName: 'Smith',
          dateOfBirth: '2013-05-14',
          guardians: [{ name: 'Alex Smith', relationship: 'mother', phone: '07700 900123', email: 'alex@example.org' }],
          emergencyContacts: [{ name: 'Gran', phone: '01223 000000' }],
          needs: 'Quiet space',
          medicalNotes: 'Asthma',
          photoConsent: true,
        }),
      },
      {
        method: 'patch',
        name: '/participants/:id', path: () => `/api/v1/participants/${ctx.participant.id}`,
        valid: () => ({ needs: 'Ear defenders', medicalNotes: 'Asthma', guardians: [{ name: 'Sam', relationship: 'father' }], photoConsent: false }),
        target: () => ({ table: 'participants', id: ctx.participant.id }),
      },
      {
        method: 'post',
        name: '/participants/:id/budgets', path: () => `/api/v1/participants/${ctx.participant.id}/budgets`,
        valid: () => ({
          type: 'direct_payment',
          commissionerId: ctx.commissioner.id,
          reference: unique('PB'),
          amountPence: 180000,
          validFrom: '2026-04-01',
          validTo: '2027-03-31',
          holderName: 'Alex Smith',
          holderEmail: 'alex@example.org',
        }),
      },
    ];

    it.each(ROUTES.map((route, index) => [`${route.method.toUpperCase()} ${route.name}`, route, index] as const))(
      '%s',
      async (_name, route, index) => {
        const seed = SEED + index * 7919;
        const r = new Random(seed);
        const fuzz = new Fuzzer(r);
        const snapshot = async () => {
          const target = route.target?.();
          if (!target) return null;
          const { rows } = await t.db.query(`SELECT row_to_json(x)::text AS json FROM ${target.table} x WHERE id = $1`, [target.id]);
          return rows[0]?.json ?? null;
        };
        const statuses: Record<number, number> = {};
        let passed = false;
        try {
          let before = await counts();
          let row = await snapshot();
          for (let i = 0; i < CASES; i++) {
            const body = fuzz.body(route.valid(r));
            const res = await raw(route.method, route.path(), body);
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
            const replay = { seed: SEED, route: index, case: i, body: body.length > 300 ? `${body.slice(0, 300)}… (${body.length} chars)` : body };
            expect({ ...replay, status: res.status < 500 ? 'below 500' : res.status }).toEqual({ ...replay, status: 'below 500' });
            const after = await counts();
            const rowAfter = await snapshot();
            if (res.status >= 400) {
              expect({ ...replay, contentType: res.headers['content-type'] }).toEqual({ ...replay, contentType: expect.stringMatching(/^application\/problem\+json/) });
              expect({ ...replay, rows: after }).toEqual({ ...replay, rows: before });
              expect({ ...replay, row: rowAfter }).toEqual({ ...replay, row });
            }
            before = after;
            row = rowAfter;
          }
          // the fuzzer must reach both sides: some requests refused, and mutations mild enough to pass
          const refused = Object.entries(statuses).filter(([s]) => Number(s) >= 400).reduce((n, [, c]) => n + c, 0);
          expect(refused).toBeGreaterThan(CASES / 2);
          passed = true;
        } finally {
          // the status counts of a route: printed when it fails, or always with FUZZ_VERBOSE=1
          if (!passed || VERBOSE) console.log(`fuzz ${route.method.toUpperCase()} ${route.name} seed=${seed}: ${JSON.stringify(statuses)}`);
        }
      },
    );
  });
});
