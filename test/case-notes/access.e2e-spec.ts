import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { aNote, caseNoteFixtures, type Staff } from './fixtures.js';

/**
 * Every role and every integration scope against every case-note route: safeguarding notes only for
 * admin, coordinator and safeguarding_lead (in lists, by id, in versions); support workers write and read
 * all but safeguarding; finance nothing; `case-notes:write` writes and amends its own notes but reads nothing.
 */
type Caller = 'admin' | 'coordinator' | 'supportWorker' | 'finance' | 'safeguardingLead' | 'formTool' | 'directory' | 'registerApp' | 'anonymous';
const CALLERS: Caller[] = ['admin', 'coordinator', 'supportWorker', 'finance', 'safeguardingLead', 'formTool', 'directory', 'registerApp', 'anonymous'];

type Route = 'post general' | 'post safeguarding' | 'list' | 'get general' | 'get safeguarding' | 'amend general' | 'amend safeguarding'
  | 'versions general' | 'versions safeguarding' | 'audit events' | 'export' | 'safeguarding alerts';

//                                  admin coord  sw   fin   sl  write read attend none
const EXPECTED: Record<Route, number[]> = {
  'post general':                  [201, 201, 201, 403, 201, 201, 403, 403, 401],
  'post safeguarding':             [201, 201, 201, 403, 201, 201, 403, 403, 401],
  list:                            [200, 200, 200, 403, 200, 403, 403, 403, 401],
  'get general':                   [200, 200, 200, 403, 200, 403, 403, 403, 401],
  'get safeguarding':              [200, 200, 403, 403, 200, 403, 403, 403, 401],
  'amend general':                 [201, 201, 201, 403, 201, 201, 403, 403, 401],
  'amend safeguarding':            [201, 201, 403, 403, 201, 403, 403, 403, 401],
  'versions general':              [200, 200, 200, 403, 200, 403, 403, 403, 401],
  'versions safeguarding':         [200, 200, 403, 403, 200, 403, 403, 403, 401],
  'audit events':                  [200, 403, 403, 403, 200, 403, 403, 403, 401],
  export:                          [200, 403, 403, 403, 200, 403, 403, 403, 401],
  'safeguarding alerts':           [200, 403, 403, 403, 403, 403, 403, 403, 401],
};

const CASES = (Object.entries(EXPECTED) as Array<[Route, number[]]>).flatMap(([route, statuses]) =>
  CALLERS.map((caller, i) => ({ route, caller, status: statuses[i] })),
);

describe('case note access by role and scope', () => {
  let t: TestApp;
  let fx: ReturnType<typeof caseNoteFixtures>;
  let staff: Staff;
  let participantId: string;
  /** written by the form tool */
  let general: { id: string };
  /** written by the coordinator */
  let safeguarding: { id: string };

  beforeAll(async () => {
    t = await createTestApp();
    fx = caseNoteFixtures(t);
    staff = await fx.staff();
    participantId = (await fx.registeredParticipant()).participant.id;
    general = await fx.note(participantId, staff.formTool.token, aNote({ category: 'general' }));
    safeguarding = await fx.note(participantId, staff.coordinator.token, aNote({ category: 'safeguarding', body: 'Disclosed worries at home' }));
  });
  afterAll(() => t?.close());

  function call(route: Route, caller: Caller) {
    const token = caller === 'anonymous' ? undefined : staff[caller].token;
    const api = t.api();
    const withAuth = <R extends { set(name: string, value: string): R }>(req: R) => (token ? req.set('Authorization', `Bearer ${token}`) : req);
    const amendment = { body: 'Amended text', reason: 'Clarified' };
    switch (route) {
      case 'post general':
      case 'post safeguarding':
        return withAuth(api.post(`/api/v1/participants/${participantId}/case-notes`))
          .set('Idempotency-Key', randomUUID())
          .send(aNote({ category: route === 'post general' ? 'general' : 'safeguarding' }));
      case 'list':
        return withAuth(api.get(`/api/v1/participants/${participantId}/case-notes`));
      case 'get general':
        return withAuth(api.get(`/api/v1/case-notes/${general.id}`));
      case 'get safeguarding':
        return withAuth(api.get(`/api/v1/case-notes/${safeguarding.id}`));
      case 'amend general':
        return withAuth(api.post(`/api/v1/case-notes/${general.id}/amendments`)).send(amendment);
      case 'amend safeguarding':
        return withAuth(api.post(`/api/v1/case-notes/${safeguarding.id}/amendments`)).send(amendment);
      case 'versions general':
        return withAuth(api.get(`/api/v1/case-notes/${general.id}/versions`));
      case 'versions safeguarding':
        return withAuth(api.get(`/api/v1/case-notes/${safeguarding.id}/versions`));
      case 'audit events':
        return withAuth(api.get(`/api/v1/audit-events?subjectType=case_note&subjectId=${general.id}`));
      case 'export':
        return withAuth(api.get(`/api/v1/participants/${participantId}/export`));
      case 'safeguarding alerts':
        return withAuth(api.get('/api/v1/safeguarding-alerts'));
    }
  }

  it.each(CASES)('$route by $caller → $status', async ({ route, caller, status }) => {
    const res = await call(route, caller);
    expect(res.status).toBe(status);
    if (status >= 400) {
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body)).not.toContain('Disclosed worries');
    }
  });

  it('leaves safeguarding notes out of a support worker’s list, and keeps them in the others’', async () => {
    const categories = async (token: string, query = '') =>
      (await fx.get(`/participants/${participantId}/case-notes${query}`, token)).body.items.map((n: { category: string }) => n.category);
    expect(await categories(staff.supportWorker.token)).not.toContain('safeguarding');
    expect(await categories(staff.supportWorker.token)).toContain('general');
    expect(await categories(staff.supportWorker.token, '?category=safeguarding')).toEqual([]);
    for (const token of [t.adminToken, staff.coordinator.token, staff.safeguardingLead.token]) {
      expect(await categories(token)).toContain('safeguarding');
    }
  });

  it('does not let a support worker see a safeguarding note by id, even in the error', async () => {
    const res = await fx.get(`/case-notes/${safeguarding.id}`, staff.supportWorker.token);
    expect(res.status).toBe(403);
    expect(res.body).not.toHaveProperty('body');
    expect(res.body.detail).toMatch(/safeguarding/);
  });

  it('lets a support worker amend a safeguarding note they wrote, without reading others', async () => {
    const own = await fx.note(participantId, staff.supportWorker.token, aNote({ category: 'safeguarding' }));
    expect((await fx.amend(own.id, staff.supportWorker.token, { body: 'Added the time', reason: 'Detail' })).status).toBe(201);
    expect((await fx.get(`/case-notes/${own.id}`, staff.supportWorker.token)).status).toBe(403);
  });

  it('does not let one integration amend the notes of another', async () => {
    const res = await fx.amend(general.id, staff.otherFormTool.token, { body: 'Hijacked', reason: 'No' });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/only the notes it posted/);
  });

  it('writes no audit event for a refused read', async () => {
    const before = await fx.count('audit_events', "subject_id = $1 AND action = 'read' AND actor_id = $2", [safeguarding.id, staff.supportWorker.id]);
    await fx.get(`/case-notes/${safeguarding.id}`, staff.supportWorker.token);
    await fx.get(`/case-notes/${safeguarding.id}/versions`, staff.supportWorker.token);
    expect(before).toBe(0);
    expect(await fx.count('audit_events', "subject_id = $1 AND action = 'read' AND actor_id = $2", [safeguarding.id, staff.supportWorker.id])).toBe(0);
  });
});
