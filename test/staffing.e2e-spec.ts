import { addDays, factories, londonToday } from './factories.js';
import { expectProblem } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Staffing and readiness (API.md v1.1; DOMAIN rule 15): support workers rostered only with a DBS check
 * valid on the session's date, even racing an expiry edit; staffNeeded from support levels and the
 * programme's groupRatio; support workers read readiness only of sessions they are rostered on.
 */
describe('staffing and readiness', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let coordinator: { token: string };
  const today = londonToday();
  const term = { name: 'Now', startsOn: addDays(today, -30), endsOn: addDays(today, 60), censusDate: addDays(today, -10) };
  let termId: string;
  let world: Awaited<ReturnType<ReturnType<typeof factories>['offer']>>;

  const roster = (sessionId: string, userId: string, token = coordinator.token) =>
    t.api().put(`/api/v1/sessions/${sessionId}/staff/${userId}`).set(bearer(token)).send();
  const dbs = (userId: string, expiresOn: string | undefined, issuedOn = addDays(today, -300)) =>
    t.api().post('/api/v1/compliance-documents').set(bearer(coordinator.token)).send({ kind: 'dbs_check', subjectType: 'user', subjectId: userId, issuedOn, ...(expiresOn ? { expiresOn } : {}) });
  const readiness = (sessionId: string, token = coordinator.token) => t.api().get(`/api/v1/sessions/${sessionId}/readiness`).set(bearer(token));

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    coordinator = await f.user('coordinator');
    termId = (await f.term(term)).id;
    world = await f.offer({ ...term, id: termId }, { programme: { groupRatio: 3 } });
  });
  afterAll(() => t?.close());

  it('programmes gain groupRatio (default 4), participants supportLevel (default group)', async () => {
    expect(world.programme.groupRatio).toBe(3);
    expect((await f.programme()).groupRatio).toBe(4);
    const p = await f.participant();
    expect(p.supportLevel).toBe('group');
    const patched = await t.api().patch(`/api/v1/participants/${p.id}`).set(bearer(coordinator.token)).send({ supportLevel: 'two_to_one' });
    expect(patched.body.supportLevel).toBe('two_to_one');
    expectProblem(await t.api().patch(`/api/v1/participants/${p.id}`).set(bearer(coordinator.token)).send({ supportLevel: 'three_to_one' }), 400, 'supportLevel');
  });

  it('rosters a support worker only with a DBS check valid on the session date', async () => {
    const session = await f.session(world.programme.id, { date: addDays(today, 20) });
    const none = await f.user('support_worker');
    const lapsing = await f.user('support_worker');
    const good = await f.user('support_worker');
    const finance = await f.user('finance');
    await dbs(lapsing.id, addDays(today, 19));
    await dbs(good.id, addDays(today, 20));
    const a = await roster(session.id, none.id);
    expectProblem(a, 422, 'userId');
    expect(a.body.type).toMatch(/dbs-check-required$/);
    expectProblem(await roster(session.id, lapsing.id), 422, 'userId');
    expectProblem(await roster(session.id, finance.id), 422, 'userId');
    const ok = await roster(session.id, good.id);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ sessionId: session.id, userId: good.id });
    expect((await roster(session.id, good.id)).status).toBe(200);
    expect((await roster(session.id, good.id, (await f.user('support_worker')).token)).status).toBe(403);
    expect((await t.api().get(`/api/v1/sessions/${session.id}/staff`).set(bearer(coordinator.token))).body.items).toHaveLength(1);
    expect((await t.api().delete(`/api/v1/sessions/${session.id}/staff/${good.id}`).set(bearer(coordinator.token))).status).toBe(204);
    expect((await t.api().delete(`/api/v1/sessions/${session.id}/staff/${good.id}`).set(bearer(coordinator.token))).status).toBe(404);
  });

  /** Rostered on a session whose date their current DBS check does not cover: must always be none. */
  const uncoveredRosterings = async (sessionId: string): Promise<number> =>
    (
      await t.db.query(
        `SELECT count(*)::int AS n FROM session_staff ss JOIN sessions s ON s.id = ss.session_id
           JOIN compliance_documents d ON d.subject_id = ss.user_id AND d.kind = 'dbs_check' AND d.superseded_by IS NULL
          WHERE ss.session_id = $1 AND d.expires_on < s.date`,
        [sessionId],
      )
    ).rows[0].n;
  const shortenDbs = (documentId: string) =>
    t.api().patch(`/api/v1/compliance-documents/${documentId}`).set(bearer(coordinator.token)).send({ expiresOn: addDays(today, 10) });
  let slot = 0;
  /** A session 30 days ahead, a support worker with a DBS check valid for 300 days. */
  async function raceSetup() {
    slot += 1;
    const hh = String(8 + Math.floor(slot / 4)).padStart(2, '0');
    const mm = String((slot % 4) * 15).padStart(2, '0');
    const session = await f.session(world.programme.id, { date: addDays(today, 30), startTime: `${hh}:${mm}`, endTime: `${hh}:${mm === '45' ? '59' : String(Number(mm) + 10)}` });
    const worker = await f.user('support_worker');
    const doc = (await dbs(worker.id, addDays(today, 300))).body;
    return { session, worker, doc };
  }

  it('rostering racing an expiry edit of the DBS check (free race, 20 rounds): one wins, never rostered with an expired check', async () => {
    for (let round = 0; round < 20; round++) {
      const { session, worker, doc } = await raceSetup();
      const [rostered, edited] = await Promise.all([roster(session.id, worker.id), shortenDbs(doc.id)]);
      expect([rostered.status, edited.status].sort()).toEqual([200, 422]);
      expect(await uncoveredRosterings(session.id)).toBe(0);
    }
  });

  it('rostering racing an expiry edit, in lock-step: both requests held at a barrier inside their transactions, released together', async () => {
    // The barrier: this connection holds the session row (rostering stops at its FOR KEY SHARE, before it
    // reads the DBS check) and the document row (the edit stops at its FOR UPDATE, just before it checks
    // the rota); both requests are seen waiting, then one COMMIT releases them at the same instant. With
    // the user-row lock they serialise (the edit, already holding it, goes first and rostering is refused);
    // without it each reads the other's state from before and both succeed.
    for (let round = 0; round < 10; round++) {
      const { session, worker, doc } = await raceSetup();
      const barrier = await t.db.connect();
      try {
        await barrier.query('BEGIN');
        await barrier.query('SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE', [session.id]);
        await barrier.query('SELECT 1 FROM compliance_documents WHERE id = $1 FOR UPDATE', [doc.id]);
        const both = Promise.all([roster(session.id, worker.id).then((r) => r), shortenDbs(doc.id).then((r) => r)]);
        const deadline = Date.now() + 20_000;
        for (;;) {
          const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [t.databaseName]);
          if (rows[0].n >= 2) break;
          if (Date.now() > deadline) throw new Error('the two requests never reached the barrier');
          await new Promise((r) => setTimeout(r, 10));
        }
        await barrier.query('COMMIT');
        const [rostered, edited] = await both;
        expect([rostered.status, edited.status].sort()).toEqual([200, 422]);
        expect(await uncoveredRosterings(session.id)).toBe(0);
      } finally {
        await barrier.query('ROLLBACK').catch(() => undefined);
        barrier.release();
      }
    }
  });

  it('readiness: staffNeeded = ⌈group ÷ groupRatio⌉ + one_to_one + 2 × two_to_one; support workers only on their sessions', async () => {
    const session = await f.session(world.programme.id, { date: addDays(today, 40), offSite: true });
    const levels = ['group', 'group', 'group', 'group', 'one_to_one', 'two_to_one'];
    const kids = [];
    for (const supportLevel of levels) {
      kids.push((await f.registered({ ...term, id: termId }, world.programme, world.commissioner.id, { participant: { supportLevel } })).participant);
    }
    const registeredBefore = (await t.db.query(`SELECT count(*)::int AS n FROM registrations r JOIN participants p ON p.id = r.participant_id WHERE r.programme_id = $1 AND r.status = 'registered' AND p.support_level = 'group'`, [world.programme.id])).rows[0].n;
    const groupNeeded = Math.ceil(registeredBefore / 3);
    const res = await readiness(session.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ staffNeeded: groupNeeded + 1 + 2, staffRostered: 0, shortfall: groupNeeded + 3, ready: false });
    expect(res.body.missingConsents).toEqual(expect.arrayContaining(kids.map((k) => ({ participantId: k.id, purpose: 'off_site_trips' }))));

    const worker = await f.user('support_worker');
    await dbs(worker.id, undefined);
    expect((await readiness(session.id, worker.token)).status).toBe(403);
    expect((await roster(session.id, worker.id)).status).toBe(200);
    const seen = await readiness(session.id, worker.token);
    expect(seen.status).toBe(200);
    expect(seen.body.staffRostered).toBe(1);
    expect(seen.body.shortfall).toBe(groupNeeded + 2);
  });
});
