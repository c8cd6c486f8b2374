import { randomUUID } from 'node:crypto';
import { addDays, factories, londonToday, type TermDates } from './factories.js';
import { pdfText } from './support/money.js';
import { expectProblem, NO_SUCH_ID } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/** GET /commissioners/:id/monitoring-return?termId= (API.md 1.1; rule 17): JSON, CSV and PDF, counts only, small numbers suppressed. */
describe('monitoring returns', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let coordinator: string;
  let term: TermDates;
  let offer: Awaited<ReturnType<ReturnType<typeof factories>['offer']>>;
  const today = londonToday();
  const names: string[] = [];

  const get = (path: string, token = coordinator, accept?: string) => {
    const req = t.api().get(`/api/v1${path}`).set(bearer(token));
    if (accept) req.set('Accept', accept);
    return req.buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  };
  const json = (path: string, token = coordinator) => t.api().get(`/api/v1${path}`).set(bearer(token));
  const returnPath = () => `/commissioners/${offer.commissioner.id}/monitoring-return?termId=${term.id}`;

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    coordinator = (await f.user('coordinator')).token;
    term = await f.term({ name: 'Autumn now', startsOn: addDays(today, -40), censusDate: addDays(today, -20), endsOn: addDays(today, 40) });
    const commissioner = await f.commissioner({ name: 'Cambridgeshire County Council' });
    offer = await f.offer(term, { commissioner, programme: { name: 'Arts Pioneers' }, contract: { minParticipants: 8 } });
    const held = await f.session(offer.programme.id, { date: addDays(today, -10) });
    await f.session(offer.programme.id, { date: addDays(today, 10) });
    // 7 young people at the census: 6 white_british, 1 asian_indian; 6 in CB2, 1 in PE1; 3 female, 4 male
    for (let i = 0; i < 7; i++) {
      const firstName = `Child${i}-${randomUUID().slice(0, 6)}`;
      names.push(firstName);
      const { participant } = await f.registered(term, offer.programme, commissioner.id, {
        participant: {
          firstName,
          gender: i < 3 ? 'female' : 'male',
          ethnicity: i === 0 ? 'asian_indian' : 'white_british',
          disabilityCategories: i < 5 ? ['autistic_spectrum_disorder'] : ['hearing_impairment'],
          postcodeDistrict: i === 6 ? 'PE1' : 'CB2',
          medicalNotes: 'Secret medical detail',
        },
        registration: { registeredOn: addDays(term.censusDate, -5) },
      });
      const mark = await t.api().put(`/api/v1/sessions/${held.id}/attendance/${participant.id}`).set(bearer(coordinator)).send({ status: i < 6 ? 'present' : 'absent' });
      expect(mark.status).toBeLessThan(300);
      if (i < 2) {
        const o = await t.api().post(`/api/v1/participants/${participant.id}/outcomes`).set(bearer(coordinator)).send({ kind: 'arts_award', level: 'bronze', status: 'achieved', description: 'Secret outcome text' });
        expect(o.status).toBe(201);
      }
    }
    for (let i = 0; i < 3; i++) {
      await f.post('/referrals', { source: 'council', referredOn: addDays(today, -30), commissionerId: commissioner.id, programmeId: offer.programme.id, childFirstName: 'ReferredName', notes: 'Secret referral note' });
    }
  });
  afterAll(() => t?.close());

  it('answers the JSON return: per programme, with 1–4 shown as "<5" and nothing that can be worked out', async () => {
    const res = await json(returnPath());
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r).toMatchObject({ commissionerName: 'Cambridgeshire County Council', termId: term.id, periodStart: term.startsOn, periodEnd: term.endsOn, censusDate: term.censusDate });
    expect(r.programmes).toHaveLength(1);
    const p = r.programmes[0];
    expect(p.referrals).toEqual({ received: '<5', accepted: 0 });
    expect(p.headcount).toEqual({ census: 7, minimum: 8, belowMinimum: true, lateJoiners: 0 });
    expect(p.sessions).toEqual({ planned: 2, held: 1, cancelled: 0 });
    expect(p.attendanceRate).toBe(86); // 6 of 7 marks
    expect(p.outcomes.find((o: { kind: string; level: string; status: string }) => o.kind === 'arts_award' && o.level === 'bronze' && o.status === 'achieved').count).toBe('<5');
    const gender = Object.fromEntries(p.equality.gender.rows.map((row: { category: string; count: unknown }) => [row.category, row.count]));
    expect(gender.female).toBe('<5');
    expect(p.equality.gender.total).toBe(7);
    // the 3 girls cannot be worked out as 7 − 4: a second count is withheld beside them
    expect(Object.values(gender).filter((v) => typeof v === 'string').length).toBeGreaterThanOrEqual(2);
    const ethnicity = Object.fromEntries(p.equality.ethnicity.rows.map((row: { category: string; count: unknown }) => [row.category, row.count]));
    expect(ethnicity.asian_indian).toBe('<5');
    expect(ethnicity.white_british).toBe(6);
    expect(p.equality.postcodeDistrict.rows.map((row: { category: string }) => row.category)).toEqual(['CB2', 'other_districts', 'prefer_not_to_say', 'not_recorded']);
    // no count from 1 to 4 anywhere among the counts of people
    const counts = [p.referrals.received, p.referrals.accepted, p.headcount.census, p.headcount.lateJoiners, p.outcomesTotal,
      ...p.outcomes.map((o: { count: unknown }) => o.count),
      ...Object.values(p.equality).flatMap((table) => [...(table as { rows: Array<{ count: unknown }> }).rows.map((row) => row.count), (table as { total: unknown }).total])];
    for (const c of counts) expect(typeof c === 'number' ? c === 0 || c >= 5 : ['<5', '*'].includes(c as string)).toBe(true);
    const text = JSON.stringify(r);
    for (const secret of [...names, 'ReferredName', 'Secret']) expect(text).not.toContain(secret);
    expect(r.suppressionNote).toMatch(/<5/);
  });

  it('answers CSV and PDF by Accept, and 406 for anything else', async () => {
    const csv = await get(returnPath(), coordinator, 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const body = (csv.body as Buffer).toString('utf8');
    expect(body.split('\r\n')[0]).toBe('programme,section,category,value');
    expect(body).toContain('Arts Pioneers,headcount,census headcount,7');
    expect(body).toContain('Arts Pioneers,equality: gender,Female,<5');
    for (const secret of [...names, 'ReferredName', 'Secret']) expect(body).not.toContain(secret);

    const pdf = await get(returnPath(), coordinator, 'application/pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.body as Buffer);
    for (const expected of ['MONITORING RETURN', 'Cambridgeshire County Council', 'Autumn now', 'Arts Pioneers', 'Census headcount', 'Ethnic group', '<5']) {
      expect(text).toContain(expected);
    }
    for (const secret of [...names, 'ReferredName', 'Secret']) expect(text).not.toContain(secret);
    expectProblem(await json(returnPath()).set('Accept', 'image/png'), 406);
  });

  it('counts sessions by status: a cancelled one is planned, never held, and its marks are not in the attendance rate', async () => {
    const commissioner = await f.commissioner({ name: 'Suffolk County Council' });
    const other = await f.offer(term, { commissioner, programme: { name: 'Clay Club' } });
    const held = await f.session(other.programme.id, { date: addDays(today, -12) });
    const cancelledPast = await f.session(other.programme.id, { date: addDays(today, -5) });
    const cancelledFuture = await f.session(other.programme.id, { date: addDays(today, 5) });
    await f.session(other.programme.id, { date: addDays(today, 12) });
    const { participant } = await f.registered(term, other.programme, commissioner.id, { registration: { registeredOn: addDays(term.censusDate, -5) } });
    const mark = (sessionId: string, status: string) =>
      t.api().put(`/api/v1/sessions/${sessionId}/attendance/${participant.id}`).set(bearer(coordinator)).send({ status });
    expect((await mark(held.id, 'present')).status).toBeLessThan(300);
    // marked absent before the session was called off
    expect((await mark(cancelledPast.id, 'absent')).status).toBeLessThan(300);
    for (const s of [cancelledPast, cancelledFuture]) {
      const res = await t.api().post(`/api/v1/sessions/${s.id}/cancel`).set(bearer(coordinator)).send({ reason: 'Gallery closed' });
      expect(res.status).toBe(200);
    }
    const res = await json(`/commissioners/${commissioner.id}/monitoring-return?termId=${term.id}`);
    expect(res.status).toBe(200);
    const p = res.body.programmes.find((x: { programmeName: string }) => x.programmeName === 'Clay Club');
    expect(p.sessions).toEqual({ planned: 4, held: 1, cancelled: 2 });
    expect(p.attendanceRate).toBe(100);
    const csv = ((await get(`/commissioners/${commissioner.id}/monitoring-return?termId=${term.id}`, coordinator, 'text/csv')).body as Buffer).toString('utf8');
    expect(csv).toContain('Clay Club,sessions,cancelled,2');
  });

  it('needs a term, a known commissioner and term; finance may read it, support workers may not', async () => {
    expectProblem(await json(`/commissioners/${offer.commissioner.id}/monitoring-return`), 400, 'termId');
    expectProblem(await json(`/commissioners/${NO_SUCH_ID}/monitoring-return?termId=${term.id}`), 404);
    expectProblem(await json(`/commissioners/${offer.commissioner.id}/monitoring-return?termId=${NO_SUCH_ID}`), 404);
    expect((await json(returnPath(), (await f.user('finance')).token)).status).toBe(200);
    expectProblem(await json(returnPath(), (await f.user('support_worker')).token), 403);
  });
});
