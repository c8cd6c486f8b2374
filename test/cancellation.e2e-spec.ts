import { addDays, factories } from './factories.js';
import { allDocuments, runQuarter } from './support/billing.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Session cancellation (API.md v1.1 "Session cancellation and attendance evidence"; DOMAIN rule 13):
 * POST /sessions/:id/cancel; no attendance on a cancelled session, even racing the cancellation; a
 * family paying by the session is never charged for it; late joiners are priced by the sessions left
 * that are not cancelled; a make-up session names the session it replaces.
 */
describe('session cancellation', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let coordinator: { token: string };
  const term = { name: 'Autumn 2025', startsOn: '2025-09-01', endsOn: '2025-12-18', censusDate: '2025-10-01' };
  let termId: string;
  let world: Awaited<ReturnType<ReturnType<typeof factories>['offer']>>;
  const sessions: Record<string, { id: string }> = {};

  const cancel = (id: string, body: Record<string, unknown> = { reason: 'Venue closed: burst pipe' }, token = coordinator.token) =>
    t.api().post(`/api/v1/sessions/${id}/cancel`).set(bearer(token)).send(body);
  const attend = (sessionId: string, participantId: string, status = 'present') =>
    t.api().put(`/api/v1/sessions/${sessionId}/attendance/${participantId}`).set(bearer(coordinator.token)).send({ status });

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    coordinator = await f.user('coordinator');
    const created = await f.term(term);
    termId = created.id;
    world = await f.offer({ ...term, id: termId }, { contract: { pricePerTermPence: 40000 } });
    for (const date of ['2025-10-04', '2025-10-11', '2025-10-18', '2025-10-25']) sessions[date] = await f.session(world.programme.id, { date });
  });
  afterAll(() => t?.close());

  async function place(type: 'managed' | 'direct_payment', registeredOn: string) {
    const { participant, budget } = await f.applicant({ ...term, id: termId }, world.commissioner.id, {
      budget: type === 'direct_payment' ? { type, holderName: 'Sam Jones', holderEmail: 'sam@family.example' } : {},
    });
    const registration = await f.post('/registrations', { participantId: participant.id, programmeId: world.programme.id, termId, budgetId: budget.id, registeredOn });
    return { participant, budget, registration };
  }

  it('contracts say what a cancelled session means to a council: credit by default, or make_up', async () => {
    expect(world.contract.cancelledSessions).toBe('credit');
    const other = await f.contract(world.commissioner.id, [world.programme.id], { cancelledSessions: 'make_up', startsOn: '2030-01-01', endsOn: '2030-12-31' });
    expect(other.cancelledSessions).toBe('make_up');
    const patched = await t.api().patch(`/api/v1/contracts/${other.id}`).set(bearer(t.adminToken)).send({ cancelledSessions: 'credit' });
    expect(patched.body.cancelledSessions).toBe('credit');
    expectProblem(await t.api().patch(`/api/v1/contracts/${other.id}`).set(bearer(t.adminToken)).send({ cancelledSessions: 'refund' }), 400, 'cancelledSessions');
  });

  it('cancels with a reason → 200 cancelled; again → 409; unknown → 404; a reason is required; only coordinators', async () => {
    const family = await place('direct_payment', '2025-09-15');
    const managed = await place('managed', '2025-09-15');
    expect((await attend(sessions['2025-10-18'].id, managed.participant.id, 'present')).status).toBe(200);

    expectProblem(await cancel(sessions['2025-10-18'].id, {}), 400, 'reason');
    expect((await cancel(sessions['2025-10-18'].id, { reason: 'x' }, (await f.user('support_worker')).token)).status).toBe(403);
    const res = await cancel(sessions['2025-10-18'].id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: sessions['2025-10-18'].id, status: 'cancelled', cancellationReason: 'Venue closed: burst pipe' });
    expect(res.body.cancelledAt).toEqual(expect.any(String));
    expect((await f.get(`/sessions/${sessions['2025-10-18'].id}`)).body.status).toBe('cancelled');
    expect((await f.get(`/sessions/${sessions['2025-10-11'].id}`)).body.status).toBe('scheduled');
    expectProblem(await cancel(sessions['2025-10-18'].id), 409);
    expectProblem(await cancel(NO_SUCH_ID), 404);

    // attendance on it is refused, a change of what was recorded included
    const refused = await attend(sessions['2025-10-18'].id, family.participant.id, 'absent');
    expectProblem(refused, 422);
    expect(refused.body.type).toMatch(/session-cancelled$/);
    expectProblem(await attend(sessions['2025-10-18'].id, managed.participant.id, 'late'), 422);
  });

  it('a make-up session replaces a cancelled session of its programme, once', async () => {
    const res = await t.api().post(`/api/v1/programmes/${world.programme.id}/sessions`).set(bearer(coordinator.token))
      .send({ date: '2025-11-01', startTime: '10:00', endTime: '15:00', replacesSessionId: sessions['2025-10-18'].id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'scheduled', replacesSessionId: sessions['2025-10-18'].id, offSite: false });
    sessions['2025-11-01'] = res.body;
    const again = await t.api().post(`/api/v1/programmes/${world.programme.id}/sessions`).set(bearer(coordinator.token))
      .send({ date: '2025-11-08', startTime: '10:00', endTime: '15:00', replacesSessionId: sessions['2025-10-18'].id });
    expectProblem(again, 409);
    const notCancelled = await t.api().post(`/api/v1/programmes/${world.programme.id}/sessions`).set(bearer(coordinator.token))
      .send({ date: '2025-11-08', startTime: '10:00', endTime: '15:00', replacesSessionId: sessions['2025-10-11'].id });
    expectProblem(notCancelled, 422, 'replacesSessionId');
    const otherProgramme = await f.programme({ name: 'Elsewhere' });
    const wrong = await t.api().post(`/api/v1/programmes/${otherProgramme.id}/sessions`).set(bearer(coordinator.token))
      .send({ date: '2025-11-08', startTime: '10:00', endTime: '15:00', replacesSessionId: sessions['2025-10-18'].id });
    expectProblem(wrong, 422, 'replacesSessionId');
  });

  it('a late joiner is priced by the sessions left that are not cancelled', async () => {
    // scheduled: 10-04, 10-11, 10-25, 11-01 (10-18 cancelled); joining on 10-12 leaves 10-25 and 11-01: 2 of 4
    const late = await place('managed', '2025-10-12');
    expect(late.registration.pricePence).toBe(20000);
  });

  it('a family paying by the session is never charged for a cancelled session; the term still costs exactly its price', async () => {
    await runQuarter(t, '2025-Q4');
    const holderInvoices = (await allDocuments(t)).filter((d) => d.recipient.type === 'budget_holder');
    expect(holderInvoices.length).toBeGreaterThan(0);
    for (const invoice of holderInvoices) {
      expect(invoice.lines).toHaveLength(1);
      expect(invoice.lines[0]).toMatchObject({ quantity: 4, periodStart: '2025-10-04', periodEnd: '2025-11-01', amountPence: 40000 });
    }
    const charged = await t.db.query(`SELECT count(*)::int AS n FROM billing_ledger WHERE session_id = $1`, [sessions['2025-10-18'].id]);
    expect(charged.rows[0].n).toBe(0);
  });

  it('a cancellation racing attendance writes: no attendance is ever recorded after the cancellation', async () => {
    const race = await f.session(world.programme.id, { date: '2025-11-15' });
    const people = await Promise.all([place('managed', '2025-09-20'), place('managed', '2025-09-21'), place('managed', '2025-09-22')]);
    const writes = people.flatMap((p) => Array.from({ length: 4 }, (_, i) => attend(race.id, p.participant.id, i % 2 ? 'present' : 'late')));
    const results = await Promise.all([...writes.slice(0, 6), cancel(race.id), ...writes.slice(6)]);
    expect(results.every((r) => r.status === 200 || r.status === 422)).toBe(true);
    const rows = await t.db.query(
      `SELECT count(*)::int AS late FROM attendance a JOIN sessions s ON s.id = a.session_id WHERE s.id = $1 AND a.recorded_at >= s.cancelled_at`,
      [race.id],
    );
    expect(rows.rows[0].late).toBe(0);
    for (const p of people) expectProblem(await attend(race.id, p.participant.id), 422);
    void addDays;
  });
});
