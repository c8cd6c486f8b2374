import { addDays, factories, londonToday } from './factories.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/** Referrals (API.md 1.1): intake, one decision from `received`, accepted needs a participant, lists by status. */
describe('referrals', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let coordinator: string;
  let commissioner: { id: string };
  let programme: { id: string };
  const today = londonToday();

  const post = (path: string, body: object, token = coordinator) => t.api().post(`/api/v1${path}`).set(bearer(token)).send(body);
  const get = (path: string, token = coordinator) => t.api().get(`/api/v1${path}`).set(bearer(token));
  const refer = (body: object = {}) => post('/referrals', { source: 'council', referredOn: today, commissionerId: commissioner.id, programmeId: programme.id, ...body });

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    coordinator = (await f.user('coordinator')).token;
    commissioner = await f.commissioner();
    programme = await f.programme();
  });
  afterAll(() => t?.close());

  it('records a referral as received, with its source and date', async () => {
    const res = await refer({ childFirstName: 'Maya', childLastName: 'Patel', notes: 'Loves drawing' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        source: 'council',
        referredOn: today,
        commissionerId: commissioner.id,
        programmeId: programme.id,
        participantId: null,
        childFirstName: 'Maya',
        status: 'received',
        reason: null,
        decidedAt: null,
      }),
    );
    expect((await get(`/referrals/${res.body.id}`)).body).toEqual(res.body);
  });

  it('refuses bad input naming the field, and unknown records with 422', async () => {
    expectProblem(await refer({ source: 'police' }), 400, 'source');
    expectProblem(await refer({ referredOn: '2026-02-30' }), 400, 'referredOn');
    expectProblem(await refer({ referredOn: addDays(today, 1) }), 400, 'referredOn');
    expectProblem(await refer({ surprise: true }), 400);
    expectProblem(await refer({ commissionerId: NO_SUCH_ID }), 422, 'commissionerId');
    expectProblem(await refer({ programmeId: NO_SUCH_ID }), 422, 'programmeId');
    expectProblem(await refer({ participantId: NO_SUCH_ID }), 422, 'participantId');
  });

  it('accepting needs a participant (422), and links the referral to it', async () => {
    const { body: referral } = await refer({ source: 'school' });
    const refused = await post(`/referrals/${referral.id}/decision`, { status: 'accepted', reason: 'Good fit' });
    expectProblem(refused, 422, 'participantId');
    expect(refused.body.type).toMatch(/referral-needs-participant$/);
    expect((await get(`/referrals/${referral.id}`)).body.status).toBe('received');

    const participant = await f.participant();
    const accepted = await post(`/referrals/${referral.id}/decision`, { status: 'accepted', reason: 'Good fit', participantId: participant.id });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual(expect.objectContaining({ status: 'accepted', reason: 'Good fit', participantId: participant.id, decidedAt: expect.any(String) }));
  });

  it('a referral that already names its participant may be accepted without naming it again', async () => {
    const participant = await f.participant();
    const { body: referral } = await refer({ source: 'family', participantId: participant.id });
    const res = await post(`/referrals/${referral.id}/decision`, { status: 'accepted' });
    expect(res.status).toBe(200);
    expect(res.body.participantId).toBe(participant.id);
  });

  it('decides only once: a second decision is 409, whatever it says', async () => {
    const { body: referral } = await refer();
    expect((await post(`/referrals/${referral.id}/decision`, { status: 'declined', reason: 'Outside the age range' })).status).toBe(200);
    const again = await post(`/referrals/${referral.id}/decision`, { status: 'withdrawn' });
    expectProblem(again, 409);
    expect(again.body.type).toMatch(/referral-already-decided$/);
    expect((await get(`/referrals/${referral.id}`)).body).toEqual(expect.objectContaining({ status: 'declined', reason: 'Outside the age range' }));
  });

  it('two racing decisions: exactly one lands', async () => {
    const { body: referral } = await refer();
    const results = await Promise.all(
      ['declined', 'withdrawn', 'declined', 'withdrawn'].map((status) => post(`/referrals/${referral.id}/decision`, { status })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const winner = results.find((r) => r.status === 200)!.body.status;
    expect((await get(`/referrals/${referral.id}`)).body.status).toBe(winner);
  });

  it('a decision on an unknown referral is 404; a bad status is 400', async () => {
    expectProblem(await post(`/referrals/${NO_SUCH_ID}/decision`, { status: 'declined' }), 404);
    const { body: referral } = await refer();
    expectProblem(await post(`/referrals/${referral.id}/decision`, { status: 'received' }), 400, 'status');
  });

  it('lists by status, paginated', async () => {
    const mine = await f.commissioner();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await refer({ commissionerId: mine.id })).body.id);
    await post(`/referrals/${ids[1]}/decision`, { status: 'withdrawn', reason: 'Family moved' });
    const received = await get(`/referrals?status=received&commissionerId=${mine.id}`);
    expect(received.status).toBe(200);
    expect(received.body.items.map((r: { id: string }) => r.id)).toEqual([ids[0], ids[2]]);
    expect(received.body.nextCursor).toBeNull();
    const first = await get(`/referrals?commissionerId=${mine.id}&limit=2`);
    expect(first.body.items).toHaveLength(2);
    const second = await get(`/referrals?commissionerId=${mine.id}&limit=2&cursor=${first.body.nextCursor}`);
    expect([...first.body.items, ...second.body.items].map((r: { id: string }) => r.id)).toEqual(ids);
    expect((await get('/referrals?status=withdrawn')).body.items.map((r: { id: string }) => r.id)).toContain(ids[1]);
    expectProblem(await get('/referrals?status=maybe'), 400, 'status');
  });

  it('finance and support workers may not see or make referrals', async () => {
    for (const role of ['finance', 'support_worker', 'safeguarding_lead']) {
      const token = (await f.user(role)).token;
      expectProblem(await get('/referrals', token), 403);
      expectProblem(await post('/referrals', { source: 'council', referredOn: today }, token), 403);
    }
  });
});
