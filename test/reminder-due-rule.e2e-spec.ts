import pg from 'pg';
import { REMINDER_THRESHOLDS } from '../src/compliance/compliance-rules.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Which compliance expiry reminder is due on a day has one definition, the SQL function reminder_due
 * (migrations/1764540000002-ReminderDue.ts), given the code's thresholds (60, 30, 7 days before, and on
 * the day): the daily reminder job selects it for every current document. These are its cases;
 * test/compliance.e2e-spec.ts ("expiry reminders") exercises the job.
 */
describe('the expiry reminder rule (reminder_due)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const cases: Array<{ name: string; expiresOn: string | null; on: string; due: number | null }> = [
    { name: 'the day before the first threshold', expiresOn: '2026-12-31', on: '2026-10-31', due: null },
    { name: '60 days before', expiresOn: '2026-12-31', on: '2026-11-01', due: 60 },
    { name: '30 days before', expiresOn: '2026-12-31', on: '2026-12-01', due: 30 },
    { name: '29 days before (the 30-day one, not a stale 60-day one)', expiresOn: '2026-12-31', on: '2026-12-02', due: 30 },
    { name: '7 days before', expiresOn: '2026-12-31', on: '2026-12-24', due: 7 },
    { name: 'the expiry date', expiresOn: '2026-12-31', on: '2026-12-31', due: 0 },
    { name: 'long after the expiry (a missed run made up)', expiresOn: '2026-12-31', on: '2027-02-01', due: 0 },
    { name: 'any day, for a document without an expiry', expiresOn: null, on: '2026-12-31', due: null },
  ];
  it.each(cases)('on $name: $due', async (c) => {
    const { rows } = await (t.db as pg.Pool).query(`SELECT reminder_due($1::date, $2::date, $3::int[]) AS due`, [c.expiresOn, c.on, REMINDER_THRESHOLDS]);
    expect(rows[0].due).toBe(c.due);
  });
});
