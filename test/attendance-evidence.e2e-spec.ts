import { addDays, factories, londonToday } from './factories.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { allDocuments, billingWorld, runQuarter, type Json } from './support/billing.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Attendance evidence (API.md v1.1, "Session cancellation and attendance evidence"):
 * - GET /programmes/:id/terms/:termId/attendance-summary — per participant who held a place: held =
 *   scheduled sessions dated up to today that the place covered; rate = (present + late) ÷ held, in whole percent;
 *   unexplainedAbsenceStreak = the current run, latest first, of absent or unrecorded; flagged at ≥ 2.
 * - GET /invoices/:id/evidence — per line: the census it was billed from, each child with budget
 *   reference and council id as billed, and their attendance in the line's period. No notes.
 */
describe('attendance evidence', () => {
  describe('GET /programmes/:id/terms/:termId/attendance-summary', () => {
    let t: TestApp;
    let f: ReturnType<typeof factories>;
    let coordinator: { token: string };
    const today = londonToday();
    const term = { name: 'Now', startsOn: addDays(today, -70), endsOn: addDays(today, 40), censusDate: addDays(today, -50) };

    beforeAll(async () => {
      t = await createTestApp();
      f = factories(t);
      coordinator = await f.user('coordinator');
    });
    afterAll(() => t?.close());

    const attend = (sessionId: string, participantId: string, status: string) =>
      t.api().put(`/api/v1/sessions/${sessionId}/attendance/${participantId}`).set(bearer(coordinator.token)).send({ status, note: 'Upset about home today' });
    const summary = (programmeId: string, termId: string, token = coordinator.token) =>
      t.api().get(`/api/v1/programmes/${programmeId}/terms/${termId}/attendance-summary`).set(bearer(token));

    it('counts held sessions per place, the rate and the current unexplained-absence streak; cancelled and future sessions are not held', async () => {
      const { id: termId } = await f.term(term);
      const world = await f.offer({ ...term, id: termId });
      const at = (days: number, startTime = '10:00') =>
        f.session(world.programme.id, { date: addDays(today, days), startTime, endTime: `${Number(startTime.slice(0, 2)) + 2}:00` });
      const s1 = await at(-63);
      const s2 = await at(-56);
      const s3 = await at(-49);
      const cancelled = await at(-42);
      const s5 = await at(-35);
      const s6 = await at(-28, '14:00'); // two sessions on one day: the later one is the latest
      const s6am = await at(-28, '09:00');
      const future = await at(7);
      expect((await t.api().post(`/api/v1/sessions/${cancelled.id}/cancel`).set(bearer(coordinator.token)).send({ reason: 'Venue flooded' })).status).toBe(200);

      const place = async (lastName: string, registeredOn = term.startsOn) =>
        (await f.registered({ ...term, id: termId }, world.programme, world.commissioner.id, { participant: { firstName: 'Jo', lastName }, registration: { registeredOn } })).participant;
      const steady = await place('Adams');
      const drifting = await place('Brown');
      const leaver = await place('Clarke');
      const joiner = await place('Dunn', addDays(today, -36)); // a late joiner: only s5 and the two s6 are theirs

      for (const [s, status] of [[s1, 'present'], [s2, 'late'], [s3, 'absent'], [s5, 'excused'], [s6am, 'absent'], [s6, 'present']] as const) {
        expect((await attend(s.id, steady.id, status)).status).toBe(200);
      }
      for (const [s, status] of [[s1, 'present'], [s2, 'present'], [s3, 'present'], [s5, 'absent']] as const) await attend(s.id, drifting.id, status);
      for (const s of [s1, s2]) await attend(s.id, leaver.id, 'absent');
      await attend(s5.id, joiner.id, 'present');
      await attend(s6am.id, joiner.id, 'late');
      // the leaver's place ends before s3: withdrawn effective on its date
      const leaverRegistration = (await t.db.query(`SELECT id FROM registrations WHERE participant_id = $1`, [leaver.id])).rows[0].id;
      expect((await f.withdraw(leaverRegistration, { reason: 'Family moved away', effectiveOn: s3.date })).status).toBe(200);

      const res = await summary(world.programme.id, termId);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ programmeId: world.programme.id, termId, asOf: today, sessionsHeld: 6, sessionsScheduled: 7, sessionsCancelled: 1, flaggedCount: 2 });
      const byName = Object.fromEntries(res.body.participants.map((p: Json) => [p.lastName, p]));
      expect(res.body.participants.map((p: Json) => p.lastName)).toEqual(['Adams', 'Brown', 'Clarke', 'Dunn']);
      expect(byName.Adams).toEqual({
        participantId: steady.id,
        firstName: 'Jo',
        lastName: 'Adams',
        registrationIds: [expect.any(String)],
        registrationStatus: 'registered',
        sessionsHeld: 6,
        present: 2,
        late: 1,
        absent: 2,
        excused: 1,
        unrecorded: 0,
        attendanceRate: 50,
        unexplainedAbsenceStreak: 0,
        flagged: false,
      });
      // present ×3, then absent at s5 and nothing recorded at either s6: a streak of 3
      expect(byName.Brown).toMatchObject({ sessionsHeld: 6, present: 3, absent: 1, unrecorded: 2, attendanceRate: 50, unexplainedAbsenceStreak: 3, flagged: true });
      // only s1 and s2 were covered; both absent
      expect(byName.Clarke).toMatchObject({ registrationStatus: 'withdrawn', sessionsHeld: 2, absent: 2, attendanceRate: 0, unexplainedAbsenceStreak: 2, flagged: true });
      // s5 present, s6 09:00 late, s6 14:00 unrecorded: a streak of 1, not flagged
      expect(byName.Dunn).toMatchObject({ sessionsHeld: 3, present: 1, late: 1, unrecorded: 1, attendanceRate: 67, unexplainedAbsenceStreak: 1, flagged: false });
      expect(JSON.stringify(res.body)).not.toContain('Upset about home');
      expect(future.id).toBeDefined();
    });

    it('is for coordinators (and admins): support workers, finance and integrations get 403; unknown ids 404, malformed 400', async () => {
      const { id: termId } = await f.term({ name: 'Later', startsOn: addDays(today, 400), endsOn: addDays(today, 480), censusDate: addDays(today, 420) });
      const programme = await f.programme();
      const empty = await summary(programme.id, termId, t.adminToken);
      expect(empty.status).toBe(200);
      expect(empty.body).toMatchObject({ sessionsHeld: 0, participants: [] });
      for (const role of ['support_worker', 'finance', 'safeguarding_lead'] as const) {
        expect((await summary(programme.id, termId, (await f.user(role)).token)).status).toBe(403);
      }
      expect((await summary(programme.id, termId, (await f.integration(['attendance:write'])).apiKey)).status).toBe(403);
      expectProblem(await summary(NO_SUCH_ID, termId), 404);
      expectProblem(await summary(programme.id, NO_SUCH_ID), 404);
      expectProblem(await summary('not-a-uuid', termId), 400);
    });
  });

  describe('GET /invoices/:id/evidence', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t?.close());

    it('ties each line to its census, the children it billed with council ids, and their attendance in the period; finance reads it, without notes', async () => {
      const world = await billingWorld(t);
      const { f, programme, cambs } = world;
      const today = londonToday();
      const coordinator = await f.user('coordinator');
      const extra = async (date: string) => f.session(programme.id, { date });
      const sep5 = await extra('2026-09-05');
      const sep12 = await extra('2026-09-12');
      const oct17 = await extra('2026-10-17');
      const nov7 = await extra('2026-11-07');
      const oct10 = (await f.get(`/programmes/${programme.id}/sessions`)).body.items.find((s: Json) => s.date === '2026-10-10');
      expect((await t.api().post(`/api/v1/sessions/${nov7.id}/cancel`).set(bearer(coordinator.token)).send({ reason: 'Artist ill' })).status).toBe(200);

      const early = await world.place({ registeredOn: '2026-09-01', reference: 'PB-CAMBS-0042' });
      const later = await world.place({ registeredOn: '2026-09-15', reference: 'PB-CAMBS-0043' });
      await world.place({ commissionerId: world.essex.id });
      for (const [p, councilId] of [[early, 'CCC-118204'], [later, 'CCC-118377']] as const) {
        const patched = await t
          .api()
          .patch(`/api/v1/participants/${p.participant.id}`)
          .set(bearer(coordinator.token))
          .send({ councilIds: [{ commissionerId: cambs.id, id: councilId }], medicalNotes: 'Epilepsy: rescue medication in the blue bag' });
        expect(patched.status).toBe(200);
      }
      const attend = async (sessionId: string, participantId: string, status: string) =>
        expect(
          (await t.api().put(`/api/v1/sessions/${sessionId}/attendance/${participantId}`).set(bearer(coordinator.token)).send({ status, note: 'Upset about home today' })).status,
        ).toBe(200);
      await attend(sep5.id, early.participant.id, 'present');
      await attend(sep12.id, early.participant.id, 'late');
      await attend(oct10.id, early.participant.id, 'absent');
      await attend(oct10.id, later.participant.id, 'present');
      await attend(oct17.id, later.participant.id, 'present');

      await runQuarter(t, '2026-Q4');
      const [invoice] = await allDocuments(t, { commissionerId: cambs.id, kind: 'invoice' });
      const finance = await f.user('finance');
      const res = await t.api().get(`/api/v1/invoices/${invoice.id}/evidence`).set(bearer(finance.token));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ documentId: invoice.id, number: invoice.number, kind: 'invoice', commissionerId: cambs.id, asOf: today });
      expect(res.body.lines).toHaveLength(1);
      const [line] = res.body.lines;
      const heldDates = ['2026-09-05', '2026-09-12', '2026-10-10', '2026-10-17'].filter((d) => d <= today);
      expect(line).toMatchObject({
        line: 1,
        kind: 'census',
        programmeId: programme.id,
        programmeName: 'Arts Pioneers',
        periodStart: '2026-09-01',
        periodEnd: '2026-12-18',
        quantity: 2,
        amountPence: 90000,
        census: { termId: world.term.id, termName: 'Autumn 2026', censusDate: '2026-10-01', headcount: 2 },
        sessionsHeld: heldDates.length,
        sessionsCancelled: 1,
      });
      const [first, second] = line.children;
      expect(first).toMatchObject({
        participantId: early.participant.id,
        registrationId: early.registration.id,
        registeredOn: '2026-09-01',
        withdrawalEffectiveOn: null,
        budgetReference: 'PB-CAMBS-0042',
        councilId: 'CCC-118204',
        amountPence: 45000,
        sessionsBilled: [],
      });
      const status = { '2026-09-05': 'present', '2026-09-12': 'late', '2026-10-10': 'absent', '2026-10-17': null } as Record<string, string | null>;
      expect(first.attendance.sessions).toEqual(heldDates.map((date) => ({ sessionId: expect.any(String), date, status: status[date] })));
      expect(first.attendance).toMatchObject({ sessionsHeld: heldDates.length, present: 1, late: 1, absent: 1 });
      // the later child's place began on 15 September: the September sessions are not theirs
      expect(second).toMatchObject({ participantId: later.participant.id, budgetReference: 'PB-CAMBS-0043', councilId: 'CCC-118377', amountPence: 45000 });
      expect(second.attendance).toMatchObject({ sessionsHeld: heldDates.filter((d) => d >= '2026-09-15').length, present: 2, absent: 0, unrecorded: 0, attendanceRate: 100 });

      // what finance reads carries no medical notes and no note text
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('Epilepsy');
      expect(text).not.toContain('Upset about home');
      expect(text).not.toMatch(/"(note|medicalNotes|body)"/);

      expect((await t.api().get(`/api/v1/invoices/${invoice.id}/evidence`).set(bearer(coordinator.token))).status).toBe(200);
      for (const role of ['support_worker', 'safeguarding_lead'] as const) {
        expect((await t.api().get(`/api/v1/invoices/${invoice.id}/evidence`).set(bearer((await f.user(role)).token))).status).toBe(403);
      }
      expectProblem(await t.api().get(`/api/v1/invoices/${NO_SUCH_ID}/evidence`).set(bearer(finance.token)), 404);
    });

    it('a credit note answers the same way, with negative amounts', async () => {
      const [invoice] = await allDocuments(t, { kind: 'invoice' });
      const finance = (await factories(t).user('finance')).token;
      const credit = await t.api().post(`/api/v1/invoices/${invoice.id}/credit-notes`).set(bearer(finance)).send({ reason: 'Billed in error' });
      expect(credit.status).toBe(201);
      const res = await t.api().get(`/api/v1/invoices/${credit.body.id}/evidence`).set(bearer(finance));
      expect(res.status).toBe(200);
      expect(res.body.kind).toBe('credit_note');
      const children = res.body.lines.flatMap((l: Json) => l.children);
      expect(children.length).toBeGreaterThan(0);
      for (const child of children) expect(child.amountPence).toBeLessThan(0);
    });
  });
});
