import { documentStatus } from './compliance-rules.js';

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

  // which reminder is due is SQL (reminder_due): test/reminder-due-rule.e2e-spec.ts
});
