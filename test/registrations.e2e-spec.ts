import { factories } from './factories.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

describe('registrations', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
  });
  afterAll(() => t?.close());

  it('registers up to capacity, then waitlists', async () => {
    const commissioner = await f.commissioner();
    const programme = await f.programme({ capacity: 2 });
    const term = await f.term();
    await f.contract(commissioner.id, [programme.id]);
    const results = [];
    for (let i = 0; i < 4; i++) {
      const p = await f.participant();
      const b = await f.budget(p.id, commissioner.id);
      const res = await t.api().post('/api/v1/registrations').set(bearer(t.adminToken))
        .send({ participantId: p.id, programmeId: programme.id, termId: term.id, budgetId: b.id });
      results.push(res.body);
      if (res.status !== 201) console.log(res.body);
      expect(res.status).toBe(201);
    }
    expect(results.map((r) => [r.status, r.waitlistPosition])).toEqual([
      ['registered', null], ['registered', null], ['waitlisted', 1], ['waitlisted', 2],
    ]);
    const w = await t.api().post(`/api/v1/registrations/${results[0].id}/withdraw`).set(bearer(t.adminToken)).send({ reason: 'moved' });
    expect(w.status).toBe(200);
    const promoted = await t.api().get(`/api/v1/registrations/${results[2].id}`).set(bearer(t.adminToken));
    expect(promoted.body.status).toBe('registered');
    const last = await t.api().get(`/api/v1/registrations/${results[3].id}`).set(bearer(t.adminToken));
    expect(last.body.waitlistPosition).toBe(1);
    const hc = await t.api().get(`/api/v1/programmes/${programme.id}/terms/${term.id}/headcount`).set(bearer(t.adminToken));
    expect(hc.status).toBe(200);
    const up = await t.api().get(`/api/v1/programmes/${programme.id}/terms/${term.id}/uptake`).set(bearer(t.adminToken));
    expect(up.body).toMatchObject({ places: 2, registered: 2, waitlisted: 1 });
  });
});
