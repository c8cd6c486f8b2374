import pg from 'pg';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Whether a compliance document covers a date has one definition, the SQL function document_covers
 * (migrations/1764540000001-DocumentCovers.ts): rostering a support worker (rule 15: a DBS check valid on
 * the session's date) and changing a DBS check that rostered sessions rely on both select it. These are
 * its cases; test/staffing.e2e-spec.ts and test/compliance.e2e-spec.ts exercise it through the API.
 */
describe('the document cover rule (document_covers)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const cases: Array<{ name: string; issuedOn: string; expiresOn: string | null; on: string; covers: boolean }> = [
    { name: 'its expiry date (its last valid day)', issuedOn: '2026-01-10', expiresOn: '2026-10-10', on: '2026-10-10', covers: true },
    { name: 'the day after its expiry', issuedOn: '2026-01-10', expiresOn: '2026-10-10', on: '2026-10-11', covers: false },
    { name: 'the day before its issue', issuedOn: '2026-01-10', expiresOn: '2026-10-10', on: '2026-01-09', covers: false },
    { name: 'its issue date', issuedOn: '2026-01-10', expiresOn: '2026-10-10', on: '2026-01-10', covers: true },
    { name: 'a date between issue and expiry', issuedOn: '2026-01-10', expiresOn: '2026-10-10', on: '2026-06-01', covers: true },
    { name: 'any later date, without an expiry', issuedOn: '2026-01-10', expiresOn: null, on: '2030-01-01', covers: true },
    { name: 'the day before its issue, without an expiry', issuedOn: '2026-01-10', expiresOn: null, on: '2026-01-09', covers: false },
    { name: 'the one day of a document issued and expiring that day', issuedOn: '2026-03-01', expiresOn: '2026-03-01', on: '2026-03-01', covers: true },
  ];
  it.each(cases)('on $name: $covers', async (c) => {
    const { rows } = await (t.db as pg.Pool).query(`SELECT document_covers($1::date, $2::date, $3::date) AS covers`, [c.issuedOn, c.expiresOn, c.on]);
    expect(rows[0].covers).toBe(c.covers);
  });
});
