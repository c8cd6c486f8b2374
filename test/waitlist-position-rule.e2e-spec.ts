import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { addDays, factories, londonToday, type TermDates } from './factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * A waiting registration's place in the queue has one definition, the SQL function waitlist_position
 * (migrations/1764495000001-WaitlistPosition.ts): place_registration answers it for the registration it has
 * just waitlisted, and the Registration entity's waitlistPosition selects it. These are its cases.
 */
describe('the waitlist position rule (waitlist_position)', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let term: TermDates;
  const today = londonToday();

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    term = await f.term({ name: 'Current', startsOn: addDays(today, -30), censusDate: addDays(today, 10), endsOn: addDays(today, 60) });
  });
  afterAll(() => t?.close());

  const positions = async (ids: string[]): Promise<Array<number | null>> => {
    const { rows } = await (t.db as pg.Pool).query(
      `SELECT waitlist_position(r.id) AS position FROM unnest($1::uuid[]) WITH ORDINALITY AS r(id, n) ORDER BY r.n`,
      [ids],
    );
    return rows.map((r) => r.position);
  };

  it('is null for a registered place and 1..n, first come first served, for those waiting; the API answers the same', async () => {
    const offer = await f.offer(term, { programme: { capacity: 1 } });
    const rs = [];
    for (let i = 0; i < 4; i++) rs.push((await f.registered(term, offer.programme, offer.commissioner.id)).registration);
    const ids = rs.map((r) => r.id);

    expect(rs.map((r) => [r.status, r.waitlistPosition])).toEqual([
      ['registered', null],
      ['waitlisted', 1],
      ['waitlisted', 2],
      ['waitlisted', 3],
    ]);
    expect(await positions(ids)).toEqual([null, 1, 2, 3]);

    // one leaving the queue moves those behind it up; a withdrawn registration has no position
    expect((await f.withdraw(ids[2])).status).toBe(200);
    expect(await positions(ids)).toEqual([null, 1, null, 2]);
    const read = await Promise.all(ids.map(async (id) => (await f.get(`/registrations/${id}`)).body.waitlistPosition));
    expect(read).toEqual([null, 1, null, 2]);
  });

  it('is null for a registration that does not exist', async () => {
    expect(await positions([randomUUID()])).toEqual([null]);
  });
});
