import { randomUUID } from 'node:crypto';
import { addDays, factories, londonToday, type TermDates } from './factories.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Attendance and the roster (API.md "Attendance", sessions' roster): attendance only for participants
 * registered for the session's programme-term, last write wins with a newer timestamp, integration keys
 * with attendance:write may record but not read; the roster lists registered participants only.
 */
describe('attendance and roster', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  const today = londonToday();
  let term: TermDates;
  let session: { id: string; date: string };
  let otherSession: { id: string };
  const who: Record<'a' | 'b' | 'e' | 'g' | 'withdrawn' | 'withdrawnLater' | 'waiting' | 'elsewhere' | 'stranger', { id: string }> = {} as never;
  let coordinator: { token: string; id: string };
  let supportWorker: { token: string; id: string };

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    term = await f.term({ name: 'Current', startsOn: addDays(today, -30), censusDate: addDays(today, 10), endsOn: addDays(today, 60) });
    coordinator = await f.user('coordinator');
    supportWorker = await f.user('support_worker');

    const offer = await f.offer(term, { programme: { capacity: 4 } });
    const elsewhere = await f.offer(term, { commissioner: offer.commissioner, programme: { name: 'Holiday Club' } });
    session = (await f.session(offer.programme.id, { date: addDays(term.startsOn, 14) })) as typeof session;
    otherSession = await f.session(elsewhere.programme.id, { date: addDays(term.startsOn, 14) });
    const register = async (options = {}) => f.registered(term, offer.programme, offer.commissioner.id, options);

    const a = await register();
    const b = await register();
    const withdrawn = await register();
    const withdrawnLater = await register();
    // withdrawn effective before the session: was not registered on the session's date
    expect((await f.withdraw(withdrawn.registration.id, { reason: 'moved', effectiveOn: addDays(session.date, -1) })).status).toBe(200);
    // withdrawn effective after the session: was registered on the day, but is no longer
    expect((await f.withdraw(withdrawnLater.registration.id, { reason: 'moved', effectiveOn: addDays(session.date, 1) })).status).toBe(200);
    const e = await register();
    const g = await register();
    const waiting = await register();
    expect([e, g, waiting].map((r) => r.registration.status)).toEqual(['registered', 'registered', 'waitlisted']);
    const other = await f.registered(term, elsewhere.programme, offer.commissioner.id);
    Object.assign(who, {
      a: a.participant,
      b: b.participant,
      e: e.participant,
      g: g.participant,
      withdrawn: withdrawn.participant,
      withdrawnLater: withdrawnLater.participant,
      waiting: waiting.participant,
      elsewhere: other.participant,
      stranger: await f.participant(),
    });
  });
  afterAll(() => t?.close());

  const put = (participantId: string, body: Record<string, unknown>, token = coordinator.token, sessionId = session.id) =>
    t.api().put(`/api/v1/sessions/${sessionId}/attendance/${participantId}`).set(bearer(token)).send(body);
  const list = async (token = coordinator.token) => {
    const res = await t.api().get(`/api/v1/sessions/${session.id}/attendance`).set(bearer(token));
    expect(res.status).toBe(200);
    return res.body.items as Array<{ participantId: string; status: string; note: string | null; recordedAt: string; recordedBy: string }>;
  };
  const rowsFor = async (participantId: string) =>
    (await t.db.query('SELECT count(*)::int AS n FROM attendance WHERE participant_id = $1', [participantId])).rows[0].n;

  it('the roster lists the registered participants only (not waiting, not withdrawn)', async () => {
    const res = await t.api().get(`/api/v1/sessions/${session.id}/roster`).set(bearer(supportWorker.token));
    expect(res.status).toBe(200);
    const registered = [who.a, who.b, who.e, who.g].map((p) => p.id).sort();
    expect(res.body.items.map((r: { participantId: string }) => r.participantId).sort()).toEqual(registered);
    expect(res.body.items[0]).toEqual({
      participantId: expect.any(String),
      registrationId: expect.any(String),
      firstName: 'Jamie',
      lastName: 'Smith',
      needs: null,
      attendance: null,
      consents: { photography: null, emergency_medical_treatment: null, off_site_trips: null, information_sharing: null, transport: null },
    });
    expect(res.body.nextCursor).toBeNull();
    const other = await t.api().get(`/api/v1/sessions/${otherSession.id}/roster`).set(bearer(coordinator.token));
    expect(other.body.items.map((r: { participantId: string }) => r.participantId)).toEqual([who.elsewhere.id]);
  });

  it('records attendance for a registered participant and lists it', async () => {
    const res = await put(who.a.id, { status: 'present' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sessionId: session.id,
      participantId: who.a.id,
      status: 'present',
      note: null,
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      recordedBy: `user:${coordinator.id}`,
    });
    expect(await list()).toEqual([res.body]);
  });

  it('the last write wins, with a newer recordedAt', async () => {
    const first = await put(who.b.id, { status: 'absent' });
    const second = await put(who.b.id, { status: 'late', note: 'Arrived with a carer at 10:20' }, supportWorker.token);
    expect(second.status).toBe(200);
    expect(new Date(second.body.recordedAt).getTime()).toBeGreaterThan(new Date(first.body.recordedAt).getTime());
    const mine = (await list(supportWorker.token)).filter((r) => r.participantId === who.b.id);
    expect(mine).toEqual([
      {
        sessionId: session.id,
        participantId: who.b.id,
        status: 'late',
        note: 'Arrived with a carer at 10:20',
        recordedAt: second.body.recordedAt,
        recordedBy: `user:${supportWorker.id}`,
      },
    ]);
    // a later write without a note clears it: the record is what the last write said
    const third = await put(who.b.id, { status: 'excused' });
    expect((await list()).find((r) => r.participantId === who.b.id)).toMatchObject({ status: 'excused', note: null, recordedAt: third.body.recordedAt });
    const roster = await t.api().get(`/api/v1/sessions/${session.id}/roster`).set(bearer(coordinator.token));
    expect(roster.body.items.find((r: { participantId: string }) => r.participantId === who.b.id).attendance).toBe('excused');
  });

  it('accepts a participant withdrawn effective after the session’s date (registered on the day)', async () => {
    expect((await put(who.withdrawnLater.id, { status: 'present' })).status).toBe(200);
  });

  it.each([
    ['a waitlisted participant', () => who.waiting.id],
    ['a participant withdrawn effective before the session', () => who.withdrawn.id],
    ["a participant registered for another programme's session", () => who.elsewhere.id],
    ['a participant with no registration', () => who.stranger.id],
    ['an unknown participant id', () => randomUUID()],
  ])('refuses %s with 422 naming participantId, storing nothing', async (_who, id) => {
    const res = await put(id(), { status: 'present' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'participantId' })]);
    expect(res.body.detail).toMatch(/not registered for this session/);
    expect(await rowsFor(id())).toBe(0);
  });

  it('an unknown session is 404; malformed ids and bodies are 400', async () => {
    expect((await put(who.a.id, { status: 'present' }, coordinator.token, randomUUID())).status).toBe(404);
    expect((await t.api().get(`/api/v1/sessions/${randomUUID()}/attendance`).set(bearer(coordinator.token))).status).toBe(404);
    expect((await t.api().get(`/api/v1/sessions/${randomUUID()}/roster`).set(bearer(coordinator.token))).status).toBe(404);
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['not-a-uuid', { status: 'present' }, 'participantId'],
      [who.a.id, { status: 'asleep' }, 'status'],
      [who.a.id, {}, 'status'],
      [who.a.id, { status: 'present', note: 42 }, 'note'],
      [who.a.id, { status: 'present', note: 'x'.repeat(2001) }, 'note'],
      [who.a.id, { status: 'present', recordedAt: '2026-10-10T09:30:00Z' }, 'recordedAt'],
    ];
    const before = await list();
    for (const [participantId, body, field] of cases) {
      const res = await put(participantId, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    const badSession = await t.api().put(`/api/v1/sessions/nope/attendance/${who.a.id}`).set(bearer(coordinator.token)).send({ status: 'present' });
    expect(badSession.status).toBe(400);
    expect(await list()).toEqual(before);
  });

  describe('integration keys', () => {
    it('with attendance:write may record attendance and read the roster, but not the attendance list', async () => {
      const key = await f.integration(['attendance:write']);
      const res = await put(who.e.id, { status: 'present', note: 'from the session app' }, key.apiKey);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ participantId: who.e.id, status: 'present', recordedBy: `integration:${key.id}` });
      expect((await t.api().get(`/api/v1/sessions/${session.id}/attendance`).set(bearer(key.apiKey))).status).toBe(403);
      // issue 13: integrations with attendance:write see the roster (with consents)
      expect((await t.api().get(`/api/v1/sessions/${session.id}/roster`).set(bearer(key.apiKey))).status).toBe(200);
      // it is still refused for participants not registered
      expect((await put(who.waiting.id, { status: 'present' }, key.apiKey)).status).toBe(422);
    });

    it('without attendance:write may not record it', async () => {
      const key = await f.integration(['case-notes:write', 'participants:read']);
      const res = await put(who.e.id, { status: 'absent' }, key.apiKey);
      expect(res.status).toBe(403);
      expect((await list()).find((r) => r.participantId === who.e.id)).toMatchObject({ status: 'present' });
    });

    it('a revoked key is 401', async () => {
      const key = await f.integration(['attendance:write']);
      expect((await t.api().delete(`/api/v1/integrations/${key.id}`).set(bearer(t.adminToken))).status).toBeLessThan(300);
      expect((await put(who.e.id, { status: 'absent' }, key.apiKey)).status).toBe(401);
    });
  });

  describe('an erased participant', () => {
    const erase = (participantId: string) =>
      t.api().post(`/api/v1/participants/${participantId}/erase`).set(bearer(t.adminToken)).send({ reason: 'Right-to-erasure request' });
    const noteOf = async (sessionId: string, participantId: string) =>
      (await t.db.query('SELECT note FROM attendance WHERE session_id = $1 AND participant_id = $2', [sessionId, participantId])).rows[0]?.note;
    let clubSession: { id: string };
    const children: Array<{ id: string }> = [];

    beforeAll(async () => {
      const club = await f.offer(term, { programme: { name: 'Saturday Club', capacity: 12 } });
      clubSession = await f.session(club.programme.id, { date: addDays(term.startsOn, 21) });
      for (let i = 0; i < 9; i++) children.push((await f.registered(term, club.programme, club.commissioner.id)).participant);
    });

    it('keeps the status of attendance recorded after the erasure, but never its note', async () => {
      const child = children[0];
      expect((await erase(child.id)).status).toBe(200);
      const res = await put(child.id, { status: 'present', note: 'seizure at 11:00, parent called' }, coordinator.token, clubSession.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'present', note: null });
      expect(await noteOf(clubSession.id, child.id)).toBeNull();
    });

    it('stores no note when the attendance races the erasure', async () => {
      for (const child of children.slice(1)) {
        const [erased, recorded] = await Promise.all([
          erase(child.id),
          put(child.id, { status: 'late', note: 'arrived upset after a hospital appointment' }, supportWorker.token, clubSession.id),
        ]);
        expect(erased.status).toBe(200);
        expect(recorded.status).toBe(200);
        expect(await noteOf(clubSession.id, child.id)).toBeNull();
      }
    });
  });
});
