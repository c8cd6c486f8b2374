import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { aNote, caseNoteFixtures, type Staff } from './fixtures.js';

const LIMIT = 5;

/** Integration keys are limited to INTEGRATION_RATE_LIMIT_PER_MINUTE requests a minute, counted in Redis. */
describe('rate limit per integration key', () => {
  let t: TestApp;
  let fx: ReturnType<typeof caseNoteFixtures>;
  let staff: Staff;
  let participantId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { INTEGRATION_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    fx = caseNoteFixtures(t);
    staff = await fx.staff();
    participantId = (await fx.participant()).id;
  });
  afterAll(() => t?.close());

  /** The count is per wall-clock minute: start a burst early enough in a minute to finish inside it. */
  async function startOfAWindow(): Promise<void> {
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 10_000) await new Promise((r) => setTimeout(r, left + 50));
  }

  it('answers 429 problem details with Retry-After beyond the limit, counting every request of the key', async () => {
    await startOfAWindow();
    const allowed = [];
    for (let i = 0; i < LIMIT; i++) {
      // a mix of allowed and forbidden requests: both count
      allowed.push(i % 2 ? await fx.get('/participants', staff.formTool.token) : await fx.postNote(participantId, staff.formTool.token, aNote(), randomUUID()));
    }
    expect(allowed.map((r) => r.status)).toEqual([201, 403, 201, 403, 201]);
    expect(allowed[0].headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(allowed.map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0']);

    const refused = await fx.postNote(participantId, staff.formTool.token, aNote(), randomUUID());
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429, type: expect.stringMatching(/too-many-requests$/), requestId: refused.headers['x-request-id'] });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await fx.count('case_notes', 'author_id = $1', [staff.formTool.id])).toBe(3);
  }, 20_000);

  it('counts each key on its own, and never limits staff', async () => {
    await startOfAWindow();
    const burst = await Promise.all(Array.from({ length: LIMIT + 3 }, () => fx.get('/participants', staff.directory.token)));
    expect(burst.filter((r) => r.status === 429)).toHaveLength(3);
    expect(burst.filter((r) => r.status === 200)).toHaveLength(LIMIT);
    const other = await fx.postNote(participantId, staff.otherFormTool.token, aNote(), randomUUID());
    expect(other.status).toBe(201);
    const staffRequests = await Promise.all(Array.from({ length: LIMIT * 3 }, () => fx.get('/participants', staff.coordinator.token)));
    expect(staffRequests.every((r) => r.status === 200)).toBe(true);
  }, 20_000);
});
