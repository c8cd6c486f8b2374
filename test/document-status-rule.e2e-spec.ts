import pg from 'pg';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * An invoice's status (issued | paid | credited) has one definition, the SQL function document_status
 * (migrations/1764495000000-DocumentStatus.ts): GET /invoices selects it and filters ?status= by it, and a
 * payment's response asks it. These are its cases.
 */
describe('the invoice status rule (document_status)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const status = async (kind: string, total: number, paid: number, credited: number): Promise<string> => {
    const { rows } = await (t.db as pg.Pool).query(`SELECT document_status($1, $2, $3, $4) AS status`, [kind, total, paid, credited]);
    return rows[0].status;
  };

  it('is issued for an invoice nothing has been paid or credited against', async () => {
    expect(await status('invoice', 10_000, 0, 0)).toBe('issued');
  });
  it('is issued while payments leave something owed', async () => {
    expect(await status('invoice', 10_000, 9_999, 0)).toBe('issued');
    expect(await status('invoice', 10_000, 5_000, 4_999)).toBe('issued');
  });
  it('is paid when payments settle the total', async () => {
    expect(await status('invoice', 10_000, 10_000, 0)).toBe('paid');
  });
  it('is paid when payments settle what the credits left', async () => {
    expect(await status('invoice', 10_000, 6_000, 4_000)).toBe('paid');
  });
  it('is credited when credits cover the total, whatever was paid', async () => {
    expect(await status('invoice', 10_000, 0, 10_000)).toBe('credited');
    expect(await status('invoice', 10_000, 3_000, 12_000)).toBe('credited');
  });
  it('is issued, not credited or paid, for a zero invoice with nothing paid', async () => {
    expect(await status('invoice', 0, 0, 0)).toBe('issued');
  });
  it('is paid for a zero invoice once something was paid against it', async () => {
    expect(await status('invoice', 0, 1, 0)).toBe('paid');
  });
  it('is always issued for a credit note', async () => {
    expect(await status('credit_note', 10_000, 0, 0)).toBe('issued');
    expect(await status('credit_note', 10_000, 10_000, 10_000)).toBe('issued');
  });
});
