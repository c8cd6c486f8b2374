import { randomUUID } from 'node:crypto';
import { addDays, factories, londonToday, type TermDates } from './factories.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/** Outcomes (API.md 1.1): Arts Award levels and progression, evidenced by the participant's own case notes. */
describe('outcomes', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let coordinator: string;
  let term: TermDates;
  let offer: Awaited<ReturnType<ReturnType<typeof factories>['offer']>>;
  const today = londonToday();

  const post = (participantId: string, body: object, token = coordinator) =>
    t.api().post(`/api/v1/participants/${participantId}/outcomes`).set(bearer(token)).send(body);
  const get = (path: string, token = coordinator) => t.api().get(`/api/v1${path}`).set(bearer(token));
  const note = async (participantId: string) => {
    const res = await t.api().post(`/api/v1/participants/${participantId}/case-notes`).set(bearer(coordinator)).set('Idempotency-Key', randomUUID())
      .send({ category: 'achievement', body: 'Presented the portfolio to the group', occurredAt: new Date(Date.now() - 60_000).toISOString() });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    coordinator = (await f.user('coordinator')).token;
    term = await f.term({ name: 'Now', startsOn: addDays(today, -40), censusDate: addDays(today, -20), endsOn: addDays(today, 40) });
    offer = await f.offer(term);
  });
  afterAll(() => t?.close());

  it('records an Arts Award worked towards and one achieved, with evidence notes', async () => {
    const { participant } = await f.registered(term, offer.programme, offer.commissioner.id);
    const evidence = await note(participant.id);
    const towards = await post(participant.id, { kind: 'arts_award', level: 'bronze', status: 'working_towards', evidenceNoteIds: [evidence.id] });
    expect(towards.status).toBe(201);
    expect(towards.body).toEqual(
      expect.objectContaining({ participantId: participant.id, kind: 'arts_award', level: 'bronze', status: 'working_towards', achievedOn: null, evidenceNoteIds: [evidence.id] }),
    );
    const achieved = await post(participant.id, { kind: 'arts_award', level: 'discover', status: 'achieved', achievedOn: addDays(today, -3), description: 'Discover certificate' });
    expect(achieved.status).toBe(201);
    expect(achieved.body.achievedOn).toBe(addDays(today, -3));
    const defaulted = await post(participant.id, { kind: 'volunteering', status: 'achieved' });
    expect(defaulted.body).toMatchObject({ level: null, achievedOn: today });
    const listed = await get(`/participants/${participant.id}/outcomes`);
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual([towards.body.id, achieved.body.id, defaulted.body.id]);
    expect(listed.body.nextCursor).toBeNull();
  });

  it('refuses what the rules forbid', async () => {
    const child = await f.participant();
    const other = await f.participant();
    const foreign = await note(other.id);
    expectProblem(await post(child.id, { kind: 'arts_award', status: 'working_towards' }), 422, 'level');
    expectProblem(await post(child.id, { kind: 'work_experience', level: 'gold', status: 'achieved' }), 422, 'level');
    expectProblem(await post(child.id, { kind: 'other_event', status: 'working_towards', achievedOn: today }), 422, 'achievedOn');
    expectProblem(await post(child.id, { kind: 'other_event', status: 'achieved', evidenceNoteIds: [foreign.id] }), 422, 'evidenceNoteIds');
    expectProblem(await post(child.id, { kind: 'other_event', status: 'achieved', evidenceNoteIds: [NO_SUCH_ID] }), 422, 'evidenceNoteIds');
    expectProblem(await post(child.id, { kind: 'other_event', status: 'achieved', achievedOn: addDays(today, 1) }), 400, 'achievedOn');
    expectProblem(await post(child.id, { kind: 'arts_award', level: 'platinum', status: 'achieved' }), 400, 'level');
    expectProblem(await post(child.id, { kind: 'award', status: 'achieved' }), 400, 'kind');
    expectProblem(await post(child.id, { kind: 'other', status: 'done' }), 400, 'status');
    expectProblem(await post(NO_SUCH_ID, { kind: 'other', status: 'achieved' }), 404);
    expect((await get(`/participants/${child.id}/outcomes`)).body.items).toEqual([]);
  });

  it('lists by programme, term, kind and status', async () => {
    const otherOffer = await f.offer(term);
    const { participant: a } = await f.registered(term, offer.programme, offer.commissioner.id);
    const { participant: b } = await f.registered(term, otherOffer.programme, otherOffer.commissioner.id);
    const oa = (await post(a.id, { kind: 'arts_award', level: 'explore', status: 'achieved' })).body;
    const ob = (await post(b.id, { kind: 'work_experience', status: 'working_towards' })).body;
    const named = (await post(b.id, { kind: 'other_event', status: 'achieved', programmeId: offer.programme.id, termId: term.id })).body;
    const ids = async (query: string) => (await get(`/outcomes?${query}`)).body.items.map((o: { id: string }) => o.id);
    expect(await ids(`programmeId=${offer.programme.id}&termId=${term.id}`)).toEqual(expect.arrayContaining([oa.id, named.id]));
    expect(await ids(`programmeId=${offer.programme.id}&termId=${term.id}`)).not.toContain(ob.id);
    expect(await ids(`programmeId=${otherOffer.programme.id}`)).toEqual([ob.id]);
    expect(await ids(`programmeId=${offer.programme.id}&kind=arts_award&status=achieved`)).toContain(oa.id);
    expect(await ids(`programmeId=${offer.programme.id}&kind=arts_award&status=working_towards`)).not.toContain(oa.id);
    const past = await f.term({ name: 'Long ago', startsOn: '2020-01-06', censusDate: '2020-02-01', endsOn: '2020-03-31' });
    expect(await ids(`termId=${past.id}`)).toEqual([]);
    expectProblem(await get('/outcomes?kind=medal'), 400, 'kind');
  });

  it('finance and support workers may not record or read outcomes', async () => {
    const child = await f.participant();
    for (const role of ['finance', 'support_worker']) {
      const token = (await f.user(role)).token;
      expectProblem(await post(child.id, { kind: 'other', status: 'achieved' }, token), 403);
      expectProblem(await get('/outcomes', token), 403);
    }
  });
});
