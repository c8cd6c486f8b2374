import { factories } from './factories.js';
import { recordStatements } from './support/statements.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

/**
 * A withdrawal holds its programme-term's lock for one round trip: the withdrawal, the promotion from the
 * waitlist and the promoted family's `waitlist_promoted` emails are one statement (withdraw_registration
 * and an INSERT in one data-modifying CTE), committed on its own, with the term's dates read before it.
 * Statements are counted where TypeORM runs every one of them (its logger's logQuery), so a transaction
 * (BEGIN ... COMMIT) or a separate INSERT of the notifications would be seen.
 */
describe('POST /registrations/:id/withdraw: withdrawal, promotion and its emails in one statement', () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let statements: ReturnType<typeof recordStatements>;
  let term: Awaited<ReturnType<ReturnType<typeof factories>['term']>>;

  beforeAll(async () => {
    t = await createTestApp();
    f = factories(t);
    term = await f.term();
    statements = recordStatements(t.app);
  });
  afterAll(() => t?.close());

  const guardians = (tag: string) => [
    { name: `Pat ${tag}`, relationship: 'mother', email: `pat.${tag}@family.example` },
    { name: `Lee ${tag}`, relationship: 'father', phone: '07700 900001' },
    { name: `Kim ${tag}`, relationship: 'carer', email: `kim.${tag}@family.example` },
  ];

  it('promotes the first waitlisted and writes its family emails in the withdrawal statement', async () => {
    const offer = await f.offer(term as never, { programme: { name: 'Pottery Club', capacity: 1 } });
    const first = await f.registered(term as never, offer.programme, offer.commissioner.id, { participant: { guardians: guardians('a') } });
    const second = await f.registered(term as never, offer.programme, offer.commissioner.id, { participant: { guardians: guardians('b') } });
    expect(second.registration.status).toBe('waitlisted');
    await t.api().get('/api/v1/programmes').set(bearer(t.adminToken)); // the token cached

    const { result: withdrawn, ran } = await statements.during(() => f.withdraw(first.registration.id));

    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.promoted.registrationId).toBe(second.registration.id);
    const held = ran.filter((q) => /withdraw_registration/.test(q));
    expect(held).toHaveLength(1);
    expect(held[0]).toMatch(/INSERT INTO notifications/);
    expect(ran.filter((q) => /^\s*(BEGIN|START TRANSACTION|COMMIT)/i.test(q))).toEqual([]);
    const { rows } = await t.db.query(
      `SELECT recipient FROM notifications WHERE kind = 'waitlist_promoted' AND data->>'registrationId' = $1 ORDER BY recipient`,
      [second.registration.id],
    );
    expect(rows.map((r) => r.recipient)).toEqual(['kim.b@family.example', 'pat.b@family.example']);
  });

  it('writes no email when nobody is waiting, and none for a second withdrawal (422 already-withdrawn)', async () => {
    const offer = await f.offer(term as never, { programme: { name: 'Clay Club', capacity: 2 } });
    const only = await f.registered(term as never, offer.programme, offer.commissioner.id, { participant: { guardians: guardians('c') } });
    const before = Number((await t.db.query(`SELECT count(*) FROM notifications`)).rows[0].count);
    const withdrawn = await f.withdraw(only.registration.id);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.promoted).toBeNull();
    expect((await f.withdraw(only.registration.id)).status).toBe(422);
    expect(Number((await t.db.query(`SELECT count(*) FROM notifications`)).rows[0].count)).toBe(before);
  });
});
