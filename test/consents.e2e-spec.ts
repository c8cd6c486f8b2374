import { addDays, factories, londonToday } from './factories.js';
import { expectProblem } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Consents by purpose (API.md v1.1; DOMAIN rule 16): history kept, the latest per purpose applies until
 * it expires, photoConsent mirrors photography, the roster shows each purpose, and no present or late on
 * an off-site session without a current off_site_trips consent — even racing a refusal.
 */
describe('consents by purpose', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let coordinator: { token: string };
  const today = londonToday();
  const term = { name: 'Now', startsOn: addDays(today, -30), endsOn: addDays(today, 60), censusDate: addDays(today, -10) };
  let termId: string;
  let world: Awaited<ReturnType<ReturnType<typeof factories>['offer']>>;

  const consent = (participantId: string, body: Record<string, unknown>) =>
    t.api().post(`/api/v1/participants/${participantId}/consents`).set(bearer(coordinator.token)).send({ givenBy: 'Alex Smith (mother)', recordedOn: today, ...body });
  const attend = (sessionId: string, participantId: string, status: string, token = coordinator.token) =>
    t.api().put(`/api/v1/sessions/${sessionId}/attendance/${participantId}`).set(bearer(token)).send({ status });

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    coordinator = await f.user('coordinator');
    termId = (await f.term(term)).id;
    world = await f.offer({ ...term, id: termId });
  });
  afterAll(() => t?.close());

  const registered = async () => (await f.registered({ ...term, id: termId }, world.programme, world.commissioner.id)).participant;

  it('records consents by purpose with history; the latest applies until it expires; photoConsent mirrors photography', async () => {
    const p = await f.participant({ photoConsent: true });
    const initial = await f.get(`/participants/${p.id}/consents`);
    expect(initial.status).toBe(200);
    expect(initial.body.items).toEqual([expect.objectContaining({ purpose: 'photography', given: true })]);
    expect(initial.body.current).toEqual({ photography: true, emergency_medical_treatment: null, off_site_trips: null, information_sharing: null, transport: null });

    const refused = await consent(p.id, { purpose: 'photography', given: false });
    expect(refused.status).toBe(201);
    expect(refused.body).toMatchObject({ participantId: p.id, purpose: 'photography', given: false, givenBy: 'Alex Smith (mother)', recordedOn: today, expiresOn: null });
    expect((await f.get(`/participants/${p.id}`)).body.photoConsent).toBe(false);
    await consent(p.id, { purpose: 'photography', given: true });
    expect((await f.get(`/participants/${p.id}`)).body.photoConsent).toBe(true);
    await consent(p.id, { purpose: 'transport', given: true, recordedOn: addDays(today, -400), expiresOn: addDays(today, -1) });
    await consent(p.id, { purpose: 'information_sharing', given: true, expiresOn: addDays(today, 10) });
    const after = await f.get(`/participants/${p.id}/consents`);
    expect(after.body.items).toHaveLength(5);
    expect(after.body.current).toMatchObject({ photography: true, transport: null, information_sharing: true, off_site_trips: null });

    // PATCH photoConsent records a consent too
    await t.api().patch(`/api/v1/participants/${p.id}`).set(bearer(coordinator.token)).send({ photoConsent: false });
    expect((await f.get(`/participants/${p.id}/consents`)).body.current.photography).toBe(false);

    expectProblem(await consent(p.id, { purpose: 'swimming', given: true }), 400, 'purpose');
    expectProblem(await consent(p.id, { purpose: 'transport', given: 'yes' }), 400, 'given');
    expectProblem(await consent(p.id, { purpose: 'transport', given: true, expiresOn: addDays(today, -1) }), 422, 'expiresOn');
    expectProblem(await consent('01a00000-0000-7000-8000-000000000000', { purpose: 'transport', given: true }), 404);
  });

  it('photoConsent is read as the current photography consent: false once it has expired, with no write on the day', async () => {
    const p = await f.participant({ firstName: 'Expiring', photoConsent: false });
    const given = await consent(p.id, { purpose: 'photography', given: true, recordedOn: addDays(today, -365), expiresOn: addDays(today, 30) });
    expect(given.status).toBe(201);
    const photo = async () => (await f.get(`/participants/${p.id}`)).body.photoConsent;
    const listed = async () =>
      (await f.get(`/participants?q=Expiring&limit=100`)).body.items.find((i: { id: string }) => i.id === p.id).photoConsent;
    expect(await photo()).toBe(true);
    // time passes: the consent's last day was yesterday (nothing is written on the day it lapses)
    await t.db.query(`UPDATE consents SET expires_on = $2 WHERE id = $1`, [given.body.id, addDays(today, -1)]);
    expect((await t.db.query(`SELECT photo_consent FROM participants WHERE id = $1`, [p.id])).rows[0].photo_consent).toBe(true);
    expect(await photo()).toBe(false);
    expect(await listed()).toBe(false);
    expect((await f.get(`/participants/${p.id}/consents`)).body.current.photography).toBeNull();
    // its last day is today: it still applies
    await t.db.query(`UPDATE consents SET expires_on = $2 WHERE id = $1`, [given.body.id, today]);
    expect(await photo()).toBe(true);
    expect(await listed()).toBe(true);
    await t.db.query(`UPDATE consents SET expires_on = $2 WHERE id = $1`, [given.body.id, addDays(today, -1)]);

    // PATCH photoConsent true renews it (a consent recorded today, no expiry); the same answer again records nothing
    const renewed = await t.api().patch(`/api/v1/participants/${p.id}`).set(bearer(coordinator.token)).send({ photoConsent: true });
    expect(renewed.status).toBe(200);
    expect(renewed.body.photoConsent).toBe(true);
    await t.api().patch(`/api/v1/participants/${p.id}`).set(bearer(coordinator.token)).send({ photoConsent: true });
    const history = (await f.get(`/participants/${p.id}/consents`)).body.items.filter((c: { purpose: string }) => c.purpose === 'photography');
    expect(history).toHaveLength(2);
    expect(history[1]).toMatchObject({ given: true, recordedOn: today, expiresOn: null });
    expect(await photo()).toBe(true);
  });

  it('roster entries show each purpose: true, false, or null (none or expired)', async () => {
    const session = await f.session(world.programme.id, { date: addDays(today, 3) });
    const a = await registered();
    await consent(a.id, { purpose: 'off_site_trips', given: true });
    await consent(a.id, { purpose: 'transport', given: false });
    await consent(a.id, { purpose: 'emergency_medical_treatment', given: true, expiresOn: addDays(today, 1) });
    const key = await f.integration(['attendance:write']);
    const res = await t.api().get(`/api/v1/sessions/${session.id}/roster`).set(bearer(key.apiKey));
    expect(res.status).toBe(200);
    const entry = res.body.items.find((i: { participantId: string }) => i.participantId === a.id);
    expect(entry.consents).toEqual({ photography: null, emergency_medical_treatment: null, off_site_trips: true, information_sharing: null, transport: false });
  });

  it('off-site: present or late needs a current off_site_trips consent (absent and excused do not)', async () => {
    const trip = await f.session(world.programme.id, { date: today, startTime: '09:00', endTime: '16:00', offSite: true });
    expect(trip.offSite).toBe(true);
    const none = await registered();
    const refusedKid = await registered();
    const expiredKid = await registered();
    const ok = await registered();
    await consent(refusedKid.id, { purpose: 'off_site_trips', given: false });
    await consent(expiredKid.id, { purpose: 'off_site_trips', given: true, recordedOn: addDays(today, -100), expiresOn: addDays(today, -1) });
    await consent(ok.id, { purpose: 'off_site_trips', given: true });
    for (const kid of [none, refusedKid, expiredKid]) {
      for (const status of ['present', 'late']) {
        const res = await attend(trip.id, kid.id, status);
        expectProblem(res, 422, 'status');
        expect(res.body.type).toMatch(/off-site-consent-missing$/);
      }
      expect((await attend(trip.id, kid.id, 'absent')).status).toBe(200);
    }
    expect((await attend(trip.id, ok.id, 'present')).status).toBe(200);
  });

  it('a refusal racing attendance writes: never present after the refusal', async () => {
    const trip = await f.session(world.programme.id, { date: today, startTime: '17:00', endTime: '18:00', offSite: true });
    const kid = await registered();
    await consent(kid.id, { purpose: 'off_site_trips', given: true, recordedOn: addDays(today, -1) });
    const writes = Array.from({ length: 10 }, () => attend(trip.id, kid.id, 'present'));
    const results = await Promise.all([...writes.slice(0, 5), consent(kid.id, { purpose: 'off_site_trips', given: false }), ...writes.slice(5)]);
    expect(results.every((r) => [200, 201, 422].includes(r.status))).toBe(true);
    const rows = await t.db.query(
      `SELECT count(*)::int AS n FROM attendance a, consents c
        WHERE a.session_id = $1 AND a.participant_id = $2 AND c.participant_id = a.participant_id AND c.given = false AND a.recorded_at > c.created_at`,
      [trip.id, kid.id],
    );
    expect(rows.rows[0].n).toBe(0);
    expectProblem(await attend(trip.id, kid.id, 'present'), 422);
  });
});
