import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { ComplianceService } from '../src/compliance/compliance.service.js';
import { addDays, factories, londonToday } from './factories.js';
import { expectProblem } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';
import { eventually, startWorker, type WorkerProcess } from './support/worker-process.js';

/**
 * The compliance register (API.md v1.1 "Staff, compliance and session readiness"): documents by kind
 * and subject with their history, GET /compliance/status, and the daily reminders raised 60, 30 and 7
 * days before an expiry and on the day, each exactly once however many runs race or repeat.
 */
describe('compliance register', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let coordinator: { token: string };
  const today = londonToday();

  const post = (body: Record<string, unknown>, token = coordinator.token) =>
    t.api().post('/api/v1/compliance-documents').set(bearer(token)).send(body);
  const get = (path: string, token = coordinator.token) => t.api().get(`/api/v1${path}`).set(bearer(token));

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    coordinator = await f.user('coordinator');
  });
  afterAll(() => t?.close());

  it('records a document of each kind API.md names; refuses others, and subjects that do not fit', async () => {
    const res = await post({ kind: 'environmental_policy', subjectType: 'organisation', issuedOn: '2026-01-01', reference: 'ENV-1' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'environmental_policy', subjectType: 'organisation', subjectId: null, current: true, status: 'valid', expiresOn: null });
    expectProblem(await post({ kind: 'fire_certificate', subjectType: 'organisation', issuedOn: '2026-01-01' }), 400, 'kind');
    expectProblem(await post({ kind: 'dbs_check', subjectType: 'user', issuedOn: '2026-01-01' }), 400, 'subjectId');
    expectProblem(await post({ kind: 'dbs_check', subjectType: 'user', subjectId: '01a00000-0000-7000-8000-000000000000', issuedOn: '2026-01-01' }), 422, 'subjectId');
    expectProblem(await post({ kind: 'risk_assessment', subjectType: 'organisation', subjectId: '01a00000-0000-7000-8000-000000000000', issuedOn: '2026-01-01' }), 400, 'subjectId');
    expectProblem(await post({ kind: 'equality_policy', subjectType: 'organisation', issuedOn: '2026-05-01', expiresOn: '2026-04-30' }), 422, 'expiresOn');
    expect((await post({ kind: 'equality_policy', subjectType: 'organisation', issuedOn: '2026-01-01' }, (await f.user('support_worker')).token)).status).toBe(403);
  });

  it('a newer document supersedes the older of its kind and subject; history is kept, an older one recorded late stays history', async () => {
    const programme = await f.programme();
    const first = (await post({ kind: 'risk_assessment', subjectType: 'programme', subjectId: programme.id, issuedOn: '2026-01-10', expiresOn: '2027-01-09' })).body;
    const second = (await post({ kind: 'risk_assessment', subjectType: 'programme', subjectId: programme.id, issuedOn: '2026-06-10', expiresOn: '2027-06-09' })).body;
    const late = (await post({ kind: 'risk_assessment', subjectType: 'programme', subjectId: programme.id, issuedOn: '2025-06-10', expiresOn: '2026-06-09' })).body;
    expect(second.current).toBe(true);
    expect(late).toMatchObject({ current: false, supersededById: second.id });
    const list = await get(`/compliance-documents?subjectType=programme&subjectId=${programme.id}&kind=risk_assessment`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([first.id, second.id, late.id]);
    expect(list.body.items[0]).toMatchObject({ current: false, supersededById: second.id });
    expect((await get(`/compliance-documents/${first.id}`)).body.supersededById).toBe(second.id);
    const rows = await t.db.query(`SELECT count(*)::int AS n FROM compliance_documents WHERE subject_id = $1 AND superseded_by IS NULL`, [programme.id]);
    expect(rows.rows[0].n).toBe(1);
  });

  it('two documents of one kind and subject recorded at once: exactly one is current', async () => {
    const programme = await f.programme();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => post({ kind: 'risk_assessment', subjectType: 'programme', subjectId: programme.id, issuedOn: '2026-03-01' })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    const rows = await t.db.query(`SELECT count(*) FILTER (WHERE superseded_by IS NULL)::int AS current, count(*)::int AS n FROM compliance_documents WHERE subject_id = $1`, [programme.id]);
    expect(rows.rows[0]).toEqual({ current: 1, n: 6 });
  });

  it('GET /compliance/status: the organisation’s six items, a DBS check per rostered support worker, a risk assessment per programme with future sessions', async () => {
    const initial = await get('/compliance/status');
    expect(initial.status).toBe(200);
    expect(initial.body.asOf).toBe(today);
    const org = (body: { items: Array<{ subjectType: string; kind: string; status: string }> }) =>
      Object.fromEntries(body.items.filter((i) => i.subjectType === 'organisation').map((i) => [i.kind, i.status]));
    expect(org(initial.body)).toEqual({
      employers_liability_insurance: 'missing',
      public_liability_insurance: 'missing',
      professional_indemnity_insurance: 'missing',
      safeguarding_policy: 'missing',
      health_and_safety_policy: 'missing',
      equality_policy: 'missing',
    });

    await post({ kind: 'employers_liability_insurance', subjectType: 'organisation', issuedOn: addDays(today, -300), expiresOn: addDays(today, 61) });
    await post({ kind: 'public_liability_insurance', subjectType: 'organisation', issuedOn: addDays(today, -300), expiresOn: addDays(today, 60) });
    await post({ kind: 'professional_indemnity_insurance', subjectType: 'organisation', issuedOn: addDays(today, -300), expiresOn: today });
    await post({ kind: 'safeguarding_policy', subjectType: 'organisation', issuedOn: addDays(today, -300), expiresOn: addDays(today, -1) });
    await post({ kind: 'health_and_safety_policy', subjectType: 'organisation', issuedOn: addDays(today, -300) });

    // a support worker rostered on a future session, and one rostered only on a past one
    const term = await f.term({ name: 'Now', startsOn: addDays(today, -20), endsOn: addDays(today, 60), censusDate: addDays(today, 10) });
    const programme = await f.programme({ name: 'Status Pioneers' });
    const future = await f.session(programme.id, { date: addDays(today, 5) });
    const past = await f.session(programme.id, { date: addDays(today, -5) });
    const worker = await f.user('support_worker', { name: 'Sam Rota' });
    const pastWorker = await f.user('support_worker', { name: 'Pat Past' });
    const admin = (await t.db.query(`SELECT id FROM users WHERE role = 'admin' LIMIT 1`)).rows[0].id;
    await t.db.query(`INSERT INTO session_staff (session_id, user_id, rostered_by) VALUES ($1, $2, $4), ($3, $5, $4)`, [future.id, worker.id, past.id, admin, pastWorker.id]);
    void term;

    const res = await get('/compliance/status');
    expect(org(res.body)).toEqual({
      employers_liability_insurance: 'valid',
      public_liability_insurance: 'expiring',
      professional_indemnity_insurance: 'expiring',
      safeguarding_policy: 'expired',
      health_and_safety_policy: 'valid',
      equality_policy: 'missing',
    });
    const others = res.body.items.filter((i: { subjectType: string }) => i.subjectType !== 'organisation');
    expect(others).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'dbs_check', subjectType: 'user', subjectId: worker.id, subjectName: 'Sam Rota', status: 'missing', documentId: null }),
        expect.objectContaining({ kind: 'risk_assessment', subjectType: 'programme', subjectId: programme.id, status: 'missing' }),
      ]),
    );
    expect(others.some((i: { subjectId: string }) => i.subjectId === pastWorker.id)).toBe(false);
    expect(res.body.counts.missing).toBe(res.body.items.filter((i: { status: string }) => i.status === 'missing').length);

    const dbs = await post({ kind: 'dbs_check', subjectType: 'user', subjectId: worker.id, issuedOn: addDays(today, -100), expiresOn: addDays(today, 400) });
    const after = await get('/compliance/status');
    expect(after.body.items.find((i: { subjectId: string }) => i.subjectId === worker.id)).toMatchObject({
      status: 'valid',
      documentId: dbs.body.id,
      daysToExpiry: 400,
    });
  });

  it('?expiringWithinDays= lists current documents expiring within that many days, expired ones included', async () => {
    const res = await get('/compliance-documents?expiringWithinDays=30');
    expect(res.status).toBe(200);
    const kinds = res.body.items.map((d: { kind: string }) => d.kind).sort();
    expect(kinds).toEqual(['professional_indemnity_insurance', 'safeguarding_policy']);
    expect(res.body.items.every((d: { current: boolean }) => d.current)).toBe(true);
    expectProblem(await get('/compliance-documents?expiringWithinDays=-1'), 400, 'expiringWithinDays');
  });

  describe('expiry reminders', () => {
    const day = '2030-06-01';
    let docs: Record<string, string>;

    beforeAll(async () => {
      await t.db.query(`DELETE FROM compliance_reminders`);
      await t.db.query(`UPDATE compliance_documents SET expires_on = NULL WHERE expires_on IS NOT NULL`);
      docs = {};
      const expiries: Record<string, number> = { in60: 60, in45: 45, in30: 30, in20: 20, in7: 7, today: 0, gone: -3, in90: 90 };
      for (const [name, days] of Object.entries(expiries)) {
        const programme = await f.programme({ name: `Reminder ${name}` });
        const res = await post({ kind: 'risk_assessment', subjectType: 'programme', subjectId: programme.id, issuedOn: '2029-01-01', expiresOn: addDays(day, days) });
        docs[name] = res.body.id;
      }
    });

    const reminders = async () =>
      (await t.db.query(`SELECT document_id, threshold FROM compliance_reminders WHERE document_id = ANY ($1) ORDER BY document_id, threshold`, [Object.values(docs)])).rows;

    it('raises the threshold reached — 60, 30, 7 days before and on the day — once each, however many runs race', async () => {
      const service = t.app.get(ComplianceService);
      const raised = await Promise.all(Array.from({ length: 8 }, () => service.raiseReminders(day)));
      const byName = Object.fromEntries(Object.entries(docs).map(([k, v]) => [v, k]));
      const expected = [
        ['in60', 60],
        ['in45', 60],
        ['in30', 30],
        ['in20', 30],
        ['in7', 7],
        ['today', 0],
        ['gone', 0],
      ];
      const got = (await reminders()).map((r) => [byName[r.document_id], r.threshold]);
      expect(got.sort()).toEqual(expected.sort());
      expect(raised.reduce((a, b) => a + b, 0)).toBe(expected.length);

      // the next day, and retried: nothing new until a new threshold is reached
      expect(await service.raiseReminders(day)).toBe(0);
      expect(await service.raiseReminders(addDays(day, 1))).toBe(0);
      // 15 days on: in45 reaches 30, in20 reaches 7, in7 its day; in30 is 15 days out (its 30 already raised)
      expect(await service.raiseReminders(addDays(day, 15))).toBe(3);
    });

    it('GET /compliance/reminders shows them', async () => {
      const res = await get(`/compliance/reminders?documentId=${docs.in7}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({ documentId: docs.in7, threshold: 7, kind: 'risk_assessment', raisedOn: day, dueOn: addDays(day, 0) }),
        expect.objectContaining({ documentId: docs.in7, threshold: 0, raisedOn: addDays(day, 15), dueOn: addDays(day, 7) }),
      ]);
      expect((await get('/compliance/reminders', (await f.user('finance')).token)).status).toBe(403);
    });
  });

  describe('the daily job', () => {
    let worker: WorkerProcess | undefined;
    afterAll(() => worker?.stop());

    it('is registered once at 06:00 Europe/London, and two workers running it many times raise each reminder once', async () => {
      const queue = t.app.get<Queue>(getQueueToken('compliance'));
      const repeatable = await eventually(async () => {
        const jobs = await queue.getRepeatableJobs();
        return jobs.length > 0 && jobs;
      }, 10_000, 'the schedule');
      expect(repeatable).toEqual([expect.objectContaining({ name: 'raise-expiry-reminders', cron: '0 6 * * *', tz: 'Europe/London' })]);

      const programme = await f.programme({ name: 'Job Pioneers' });
      const soon = (await post({ kind: 'risk_assessment', subjectType: 'programme', subjectId: programme.id, issuedOn: addDays(today, -10), expiresOn: addDays(today, 7) })).body;
      const worker2 = await f.user('support_worker');
      const due = (await post({ kind: 'dbs_check', subjectType: 'user', subjectId: worker2.id, issuedOn: addDays(today, -1000), expiresOn: today })).body;

      worker = await startWorker(t); // a second worker process beside the app's own
      const jobs = await Promise.all(Array.from({ length: 6 }, () => queue.add('raise-expiry-reminders', {}, { attempts: 1 })));
      await eventually(async () => {
        const states = await Promise.all(jobs.map(async (j) => (await queue.getJob(j.id!))?.getState()));
        return states.every((s) => s === 'completed') && states;
      }, 30_000, 'the jobs to complete');
      const rows = (
        await t.db.query(`SELECT document_id, threshold FROM compliance_reminders WHERE document_id = ANY ($1) ORDER BY threshold`, [[soon.id, due.id]])
      ).rows;
      expect(rows).toEqual([
        { document_id: due.id, threshold: 0 },
        { document_id: soon.id, threshold: 7 },
      ]);
    }, 90_000);
  });
});
