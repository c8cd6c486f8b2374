import { yearsBefore } from '../src/tender-evidence/tender-criteria.js';
import { addDays, londonToday } from './factories.js';
import { billingWorld, type Json, runQuarter } from './support/billing.js';
import { getBinary, pdfText } from './support/money.js';
import { expectProblem } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * GET /tender-evidence (API.md 1.1 "Referrals, outcomes and monitoring returns"): the seed's selection
 * criteria, each with the evidence held (compliance documents, contracts of the last three years with their
 * value, outcomes and equality evidence), its expiry and missing/expired flags; JSON or PDF.
 */
describe('tender evidence', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof billingWorld>>;
  let coordinator: Json & { token: string };
  const today = londonToday();
  const from = yearsBefore(today, 3);

  const pack = async (token = coordinator.token): Promise<Json> => {
    const res = await t.api().get('/api/v1/tender-evidence').set(bearer(token));
    expect(res.status).toBe(200);
    return res.body;
  };
  const byKey = (body: Json): Record<string, Json> => Object.fromEntries(body.criteria.map((c: Json) => [c.key, c]));
  const record = async (body: Json) => {
    const res = await t.api().post('/api/v1/compliance-documents').set(bearer(coordinator.token)).send({ subjectType: 'organisation', ...body });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    t = await createTestApp();
    w = await billingWorld(t);
    coordinator = await w.f.user('coordinator');
  });
  afterAll(() => t?.close());

  it('lists the essentials, then the weighted criteria; with no document recorded each of them is missing', async () => {
    const body = await pack();
    expect(body).toMatchObject({ asOf: today, periodStart: from, periodEnd: today });
    expect(body.criteria.map((c: Json) => [c.key, c.essential, c.weightPercent])).toEqual([
      ['insurances', true, null],
      ['health_and_safety', true, null],
      ['registration', true, null],
      ['child_protection', false, 50],
      ['equality', false, 15],
      ['quality_assurance', false, 5],
      ['similar_contracts', false, 10],
      ['social_value', false, 15],
    ]);
    const c = byKey(body);
    for (const key of ['insurances', 'health_and_safety', 'registration', 'child_protection', 'equality', 'quality_assurance', 'social_value']) {
      expect(c[key]).toMatchObject({ status: 'missing', missing: true, expired: false, expiresOn: null });
    }
    expect(c.insurances.documents.map((d: Json) => [d.kind, d.status, d.documentId])).toEqual([
      ['employers_liability_insurance', 'missing', null],
      ['public_liability_insurance', 'missing', null],
      ['professional_indemnity_insurance', 'missing', null],
    ]);
    expect(c.registration.documents.map((d: Json) => d.kind)).toEqual(['ofsted_registration', 'cqc_registration']);
    // the world's two contracts are evidence of similar contracts
    expect(c.similar_contracts).toMatchObject({ status: 'held', missing: false });
    expect(body.counts).toEqual({ missing: 7, expired: 0 });
  });

  it('shows the current document of each kind with its expiry: expired, expiring and missing flagged', async () => {
    await record({ kind: 'employers_liability_insurance', issuedOn: addDays(today, -300), expiresOn: addDays(today, 65), reference: 'EL-1' });
    await record({ kind: 'public_liability_insurance', issuedOn: addDays(today, -400), expiresOn: addDays(today, -1), reference: 'PL-7' });
    await record({ kind: 'professional_indemnity_insurance', issuedOn: addDays(today, -100) });
    await record({ kind: 'health_and_safety_policy', issuedOn: addDays(today, -800), expiresOn: addDays(today, -400) });
    const hs = await record({ kind: 'health_and_safety_policy', issuedOn: addDays(today, -10) }); // supersedes the lapsed one
    await record({ kind: 'cqc_registration', issuedOn: addDays(today, -200), expiresOn: addDays(today, 30) });
    await record({ kind: 'safeguarding_policy', issuedOn: addDays(today, -50) });
    await record({ kind: 'equality_policy', issuedOn: addDays(today, -20), expiresOn: addDays(today, 400) });
    const worker = await w.f.user('support_worker');
    const dbs = await t.api().post('/api/v1/compliance-documents').set(bearer(coordinator.token))
      .send({ kind: 'dbs_check', subjectType: 'user', subjectId: worker.id, issuedOn: addDays(today, -30), expiresOn: addDays(today, 700) });
    expect(dbs.status).toBe(201);

    const body = await pack();
    const c = byKey(body);
    expect(c.insurances).toMatchObject({ status: 'expired', missing: false, expired: true, expiresOn: addDays(today, -1) });
    expect(c.insurances.documents.find((d: Json) => d.kind === 'public_liability_insurance')).toMatchObject({ status: 'expired', reference: 'PL-7', expiresOn: addDays(today, -1) });
    expect(c.health_and_safety).toMatchObject({ status: 'held', missing: false, expired: false, expiresOn: null });
    expect(c.health_and_safety.documents[0]).toMatchObject({ documentId: hs.id, status: 'valid', issuedOn: addDays(today, -10) });
    expect(c.registration).toMatchObject({ status: 'expiring', missing: false, expired: false, expiresOn: addDays(today, 30) });
    expect(c.child_protection).toMatchObject({ status: 'held', missing: false });
    expect(c.child_protection.staffDocuments.find((s: Json) => s.kind === 'dbs_check')).toMatchObject({ held: 1, expiring: 0, expired: 0 });
    expect(c.equality).toMatchObject({ status: 'held', missing: false, expiresOn: addDays(today, 400) });
    expect(c.quality_assurance).toMatchObject({ status: 'missing', missing: true });
    expect(c.social_value).toMatchObject({ status: 'missing', missing: true });
    expect(body.counts).toEqual({ missing: 2, expired: 1 });
  });

  it('lists the contracts of the last three years with their value: invoiced less credited, net of VAT', async () => {
    const suffolk = await w.f.commissioner({ name: 'Suffolk County Council' });
    const norfolk = await w.f.commissioner({ name: 'Norfolk County Council' });
    const within = await w.f.contract(suffolk.id, [w.programme.id], { reference: 'SCC-OLD-IN', startsOn: addDays(from, -700), endsOn: from });
    const before = await w.f.contract(norfolk.id, [w.programme.id], { reference: 'NCC-OLD-OUT', startsOn: addDays(from, -700), endsOn: addDays(from, -1) });
    const first = await w.place();
    await w.place();
    await w.place({ commissionerId: w.essex.id });
    await runQuarter(t, '2026-Q4');

    let body = await pack();
    const value = (b: Json) => Object.fromEntries(b.contracts.map((k: Json) => [k.id, k.valuePence]));
    expect(value(body)).toEqual({ [w.cambsContract.id]: 90000, [w.essexContract.id]: 50000, [within.id]: 0 });
    expect(Object.keys(value(body))).not.toContain(before.id);
    const cambs = body.contracts.find((k: Json) => k.id === w.cambsContract.id);
    expect(cambs).toMatchObject({ reference: w.cambsContract.reference, commissionerName: 'Cambridgeshire County Council', pricePerTermPence: 45000, programmes: [w.programme.name] });
    expect(byKey(body).similar_contracts.contracts).toEqual(body.contracts);

    const withdrawn = await t.api().post(`/api/v1/registrations/${first.registration.id}/withdraw`).set(bearer(t.adminToken))
      .send({ reason: 'Moved away before the term', effectiveOn: '2026-09-20' });
    expect(withdrawn.status).toBe(200);
    await runQuarter(t, '2026-Q4');
    body = await pack();
    expect(value(body)[w.cambsContract.id]).toBe(45000);
  });

  it('evidences equality and social value with the young people served: counts suppressed, no names', async () => {
    const participants = (await w.f.get(`/participants?programmeId=${w.programme.id}&termId=${w.term.id}`)).body.items as Json[];
    expect(participants.length).toBe(3);
    for (const p of participants) {
      expect((await t.api().patch(`/api/v1/participants/${p.id}`).set(bearer(coordinator.token)).send({ gender: 'female', ethnicity: 'white_british', firstName: 'Secretname' })).status).toBe(200);
    }
    const outcome = await t.api().post(`/api/v1/participants/${participants[0].id}/outcomes`).set(bearer(coordinator.token))
      .send({ kind: 'arts_award', level: 'bronze', status: 'achieved', description: 'Secret outcome text' });
    expect(outcome.status).toBe(201);

    const body = await pack();
    const c = byKey(body);
    expect(c.social_value).toMatchObject({ status: 'held', missing: false, expired: false });
    expect(c.social_value.outcomes.rows.find((o: Json) => o.kind === 'arts_award' && o.level === 'bronze' && o.status === 'achieved').count).toBe('<5');
    expect(c.social_value.outcomes.total).toBe('<5');
    expect(c.equality.equality.youngPeople).toBe('<5');
    const gender = Object.fromEntries(c.equality.equality.breakdown.gender.rows.map((r: Json) => [r.category, r.count]));
    expect(gender.female).toBe('<5');
    for (const v of Object.values(gender)) expect(v === 0 || v === '<5' || v === '*' || (typeof v === 'number' && v >= 5)).toBe(true);
    const text = JSON.stringify(body);
    for (const secret of ['Secretname', 'Secret outcome', 'Jamie']) expect(text).not.toContain(secret);
    expect(body.counts).toEqual({ missing: 1, expired: 1 });
  });

  it('answers a PDF by Accept and 406 otherwise; admins and coordinators only', async () => {
    const pdf = await getBinary(t, '/api/v1/tender-evidence', coordinator.token, 'application/pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.body as Buffer);
    for (const expected of ['TENDER EVIDENCE', 'Essential criteria', 'Public liability insurance (PL-7)', 'EXPIRED', 'MISSING', 'Equality policy and evidence (15%)',
      'Cambridgeshire County Council', '£450.00', 'Arts Award Bronze: achieved']) {
      expect(text).toContain(expected);
    }
    for (const secret of ['Secretname', 'Secret outcome']) expect(text).not.toContain(secret);
    expectProblem(await t.api().get('/api/v1/tender-evidence').set(bearer(coordinator.token)).set('Accept', 'text/csv'), 406);
    expect((await t.api().get('/api/v1/tender-evidence').set(bearer(t.adminToken))).status).toBe(200);
    for (const role of ['finance', 'support_worker', 'safeguarding_lead']) {
      expectProblem(await t.api().get('/api/v1/tender-evidence').set(bearer((await w.f.user(role)).token)), 403);
    }
  });
});
