import { factories } from './factories.js';
import { expectProblem } from './support/problem.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Equality monitoring on participants (API.md 1.1): optional fields, each allowing prefer_not_to_say;
 * the postcode's outward code only. Shown and audited like medical notes; erased with the child.
 */
describe('equality monitoring', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let coordinator: { id: string; token: string };
  let lead: string;

  const patch = (id: string, body: object, token = coordinator.token) => t.api().patch(`/api/v1/participants/${id}`).set(bearer(token)).send(body);
  const get = (path: string, token = coordinator.token) => t.api().get(`/api/v1${path}`).set(bearer(token));
  const equalityEvents = async (id: string) =>
    ((await get(`/audit-events?subjectId=${id}`, lead)).body.items as Array<{ action: string; detail: string; actor: { id: string } }>)
      .filter((e) => e.detail === 'equality-monitoring')
      .map((e) => e.action);

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    coordinator = await f.user('coordinator');
    lead = (await f.user('safeguarding_lead')).token;
  });
  afterAll(() => t?.close());

  const monitoring = { gender: 'female', ethnicity: 'asian_bangladeshi', disabilityCategories: ['autistic_spectrum_disorder', 'hearing_impairment'], postcodeDistrict: 'CB2' };

  it('stores the fields, all optional, and answers them to staff who may read medical notes', async () => {
    const plain = await f.participant();
    expect(plain).toMatchObject({ gender: null, ethnicity: null, disabilityCategories: null, postcodeDistrict: null });
    const child = await f.participant(monitoring);
    expect(child).toMatchObject(monitoring);
    expect((await get(`/participants/${child.id}`)).body).toMatchObject(monitoring);
    const worker = (await f.user('support_worker')).token;
    expect((await get(`/participants/${child.id}`, worker)).body).toMatchObject(monitoring);
  });

  it('each field allows prefer_not_to_say; null clears it', async () => {
    const child = await f.participant();
    const all = { gender: 'prefer_not_to_say', ethnicity: 'prefer_not_to_say', disabilityCategories: ['prefer_not_to_say'], postcodeDistrict: 'prefer_not_to_say' };
    expect((await patch(child.id, all)).body).toMatchObject(all);
    expect((await patch(child.id, { disabilityCategories: 'prefer_not_to_say' })).body.disabilityCategories).toEqual(['prefer_not_to_say']);
    const cleared = await patch(child.id, { gender: null, ethnicity: null, disabilityCategories: null, postcodeDistrict: null });
    expect(cleared.body).toMatchObject({ gender: null, ethnicity: null, disabilityCategories: null, postcodeDistrict: null });
  });

  it('takes the outward code only: CB2, CB10, SW1A (any case); a full postcode is 400', async () => {
    const child = await f.participant();
    for (const [given, stored] of [['CB2', 'CB2'], ['cb10', 'CB10'], ['SW1A', 'SW1A'], [' E1 ', 'E1'], ['W1D', 'W1D']]) {
      expect((await patch(child.id, { postcodeDistrict: given })).body.postcodeDistrict).toBe(stored);
    }
    for (const bad of ['CB2 1TN', 'CB21TN', 'SW1A 1AA', '12', 'CB', 'ABC1', '']) {
      expectProblem(await patch(child.id, { postcodeDistrict: bad }), 400, 'postcodeDistrict');
    }
    expect((await get(`/participants/${child.id}`)).body.postcodeDistrict).toBe('W1D');
  });

  it('refuses values outside the lists, duplicates, and prefer_not_to_say beside a category', async () => {
    const child = await f.participant();
    expectProblem(await patch(child.id, { gender: 'boy' }), 400, 'gender');
    expectProblem(await patch(child.id, { ethnicity: 'british' }), 400, 'ethnicity');
    expectProblem(await patch(child.id, { disabilityCategories: ['ASD'] }), 400, 'disabilityCategories');
    expectProblem(await patch(child.id, { disabilityCategories: ['hearing_impairment', 'hearing_impairment'] }), 400, 'disabilityCategories');
    expectProblem(await patch(child.id, { disabilityCategories: ['prefer_not_to_say', 'hearing_impairment'] }), 400, 'disabilityCategories');
    expectProblem(await patch(child.id, { disabilityCategories: 'hearing_impairment' }), 400, 'disabilityCategories');
  });

  it('the database holds the lists too', async () => {
    const child = await f.participant();
    await expect(t.db.query(`UPDATE participants SET postcode_district = 'CB2 1TN' WHERE id = $1`, [child.id])).rejects.toThrow(/participants_postcode_district/);
    await expect(t.db.query(`UPDATE participants SET ethnicity = 'x' WHERE id = $1`, [child.id])).rejects.toThrow(/participants_ethnicity/);
    await expect(
      t.db.query(`UPDATE participants SET disability_categories = ARRAY['prefer_not_to_say', 'hearing_impairment'] WHERE id = $1`, [child.id]),
    ).rejects.toThrow(/participants_disability_categories/);
  });

  it('an integration key reading participants never sees them; finance may not read participants at all', async () => {
    const child = await f.participant(monitoring);
    const key = (await f.integration(['participants:read'])).apiKey;
    const res = await get(`/participants/${child.id}`, key);
    expect(res.status).toBe(200);
    for (const field of Object.keys(monitoring)) expect(res.body).not.toHaveProperty(field);
    const listed = (await get('/participants?limit=200', key)).body.items.find((p: { id: string }) => p.id === child.id);
    for (const field of Object.keys(monitoring)) expect(listed).not.toHaveProperty(field);
    expectProblem(await get(`/participants/${child.id}`, (await f.user('finance')).token), 403);
  });

  it('showing or changing them leaves an audit event (detail equality-monitoring), as medical notes do', async () => {
    const child = await f.participant(monitoring);
    expect(await equalityEvents(child.id)).toEqual(['create']);
    await get(`/participants/${child.id}`);
    await get(`/participants?q=Jamie&limit=200`);
    await patch(child.id, { gender: 'prefer_not_to_say' });
    expect(await equalityEvents(child.id)).toEqual(['create', 'read', 'read', 'amend']);
    // a participant without equality data: nothing is recorded about it
    const plain = await f.participant();
    await get(`/participants/${plain.id}`);
    expect(await equalityEvents(plain.id)).toEqual([]);
    // nor when the caller is not shown them
    const key = (await f.integration(['participants:read'])).apiKey;
    await get(`/participants/${child.id}`, key);
    expect(await equalityEvents(child.id)).toHaveLength(4);
  });

  it('erasure clears them, and the names a referral held', async () => {
    const child = await f.participant(monitoring);
    const referral = await f.post('/referrals', { source: 'school', referredOn: '2026-01-05', participantId: child.id, childFirstName: 'Jamie', notes: 'Teacher says loud rooms are hard' });
    const erased = await t.api().post(`/api/v1/participants/${child.id}/erase`).set(bearer(t.adminToken)).send({ reason: 'Family asked' });
    expect(erased.status).toBe(200);
    const { rows } = await t.db.query('SELECT gender, ethnicity, disability_categories, postcode_district FROM participants WHERE id = $1', [child.id]);
    expect(rows[0]).toEqual({ gender: null, ethnicity: null, disability_categories: null, postcode_district: null });
    const ref = (await get(`/referrals/${referral.id}`)).body;
    expect(ref).toMatchObject({ childFirstName: '[erased]', notes: '[erased]', childLastName: null, source: 'school' });
  });
});
