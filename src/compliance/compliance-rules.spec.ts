import { documentStatus, reminderDue } from './compliance-rules.js';

describe('compliance rules', () => {
  it('a document is valid, expiring within 60 days (its last day included), expired the day after, or missing', () => {
    expect(documentStatus(null, '2026-06-01')).toBe('missing');
    expect(documentStatus({ expiresOn: null }, '2026-06-01')).toBe('valid');
    expect(documentStatus({ expiresOn: '2026-08-01' }, '2026-06-01')).toBe('valid');
    expect(documentStatus({ expiresOn: '2026-07-31' }, '2026-06-01')).toBe('expiring');
    expect(documentStatus({ expiresOn: '2026-06-01' }, '2026-06-01')).toBe('expiring');
    expect(documentStatus({ expiresOn: '2026-05-31' }, '2026-06-01')).toBe('expired');
  });

  // whether a document covers a date is SQL (document_covers): test/document-covers-rule.e2e-spec.ts

  it('raises the most urgent threshold reached: 60, 30, 7 days before, and on the day', () => {
    expect(reminderDue('2026-12-31', '2026-10-31')).toBeNull();
    expect(reminderDue('2026-12-31', '2026-11-01')).toBe(60);
    expect(reminderDue('2026-12-31', '2026-12-01')).toBe(30);
    expect(reminderDue('2026-12-31', '2026-12-24')).toBe(7);
    expect(reminderDue('2026-12-31', '2026-12-31')).toBe(0);
    expect(reminderDue('2026-12-31', '2027-02-01')).toBe(0);
  });
});
