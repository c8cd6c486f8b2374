import { factories } from './factories.js';
import { recordStatements } from './support/statements.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 12, item 3: GET /participants/:id is one statement once the token is cached — the read and
 * the audit events of what it shows (rule 9) written together by a data-modifying CTE. Statements are
 * counted where TypeORM runs every one of them (its logger's logQuery, called for each query whatever
 * the log level), so a second statement from any repository would be seen.
 */
describe('GET /participants/:id: the read and its audit in one statement', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let coordinator: { id: string; token: string };
  let lead: string;
  let statements: ReturnType<typeof recordStatements>;

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    coordinator = await f.user('coordinator');
    lead = (await f.user('safeguarding_lead')).token;
    statements = recordStatements(t.app);
  });
  afterAll(() => t?.close());

  const get = (path: string, token = coordinator.token) => t.api().get(`/api/v1${path}`).set(bearer(token));
  const readEvents = async (id: string) =>
    ((await get(`/audit-events?subjectId=${id}&action=read`, lead)).body.items as Array<{ detail: string; actor: { id: string }; requestId?: string }>)
      .map((e) => e.detail)
      .sort();

  /** The statements the server ran while answering `path` (the token already cached by an earlier request). */
  async function counted(path: string) {
    await get('/programmes'); // caches the token (a list of participants would audit its own reads)
    const { result: response, ran } = await statements.during(() => get(path));
    return { response, ran };
  }

  it('shows medical notes and equality data, audits both, in one statement', async () => {
    const child = await f.participant({ medicalNotes: 'asthma', gender: 'female' });
    const before = await readEvents(child.id);
    const { response, ran } = await counted(`/participants/${child.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: child.id, medicalNotes: 'asthma', gender: 'female', councilIds: [], photoConsent: child.photoConsent });
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatch(/INSERT INTO audit_events/);
    expect(await readEvents(child.id)).toEqual([...before, 'equality-monitoring', 'medical-notes'].sort());
  });

  it('audits nothing when nothing special is shown, still in one statement', async () => {
    const child = await f.participant({ medicalNotes: null });
    const { response, ran } = await counted(`/participants/${child.id}`);
    expect(response.status).toBe(200);
    expect(response.body.medicalNotes).toBeNull();
    expect(ran).toHaveLength(1);
    expect(await readEvents(child.id)).toEqual([]);
  });

  it('an unknown participant is 404 after one statement, and nothing is audited', async () => {
    const id = '00000000-0000-4000-8000-000000000042';
    const { response, ran } = await counted(`/participants/${id}`);
    expect(response.status).toBe(404);
    expect(ran).toHaveLength(1);
    expect((await t.db.query('SELECT count(*)::int AS n FROM audit_events WHERE subject_id = $1', [id])).rows[0].n).toBe(0);
  });
});
