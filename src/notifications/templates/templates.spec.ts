import { ConfigError, loadConfig } from '../../config/app-config.js';
import { NOTIFICATION_KINDS } from '../notification.entity.js';
import { renderNotification } from './index.js';

const provider = { name: 'Fenland <Short> Breaks', email: 'hello@provider.example', phone: '01223 000000', addressLines: ['1 High St', 'Ely'] };

describe('notification templates', () => {
  it('session_cancelled: subject, greeting, the session, the reason and the provider contact; text and HTML from the same words', () => {
    const m = renderNotification(
      'session_cancelled',
      { guardianName: 'Pat <b>', participantFirstName: 'Robin', programmeName: 'Climbing', sessionDate: '2026-12-12', startTime: '10:00', endTime: '13:00', venue: 'Hall', reason: 'Snow & ice' },
      provider,
    );
    expect(m.subject).toBe('Cancelled: Climbing on Saturday 12 December 2026');
    expect(m.text).toContain('Dear Pat <b>,');
    expect(m.text).toContain('10:00 to 13:00 at Hall');
    expect(m.text).toContain('The reason: Snow & ice');
    expect(m.text).toContain('Fenland <Short> Breaks\n1 High St\nEly\nTelephone: 01223 000000\nEmail: hello@provider.example');
    // HTML is escaped: input never becomes markup
    expect(m.html).toContain('Dear Pat &lt;b&gt;,');
    expect(m.html).toContain('Snow &amp; ice');
    expect(m.html).not.toContain('<b>');
  });

  it('prints only the fields its template names: anything else in the data never reaches the message', () => {
    const m = renderNotification(
      'waitlist_promoted',
      { participantFirstName: 'Sam', programmeName: 'Pottery', termName: 'Autumn 2026', medicalNotes: 'MEDICAL-SECRET', needs: 'NEEDS-SECRET' },
      provider,
    );
    expect(m.subject).toBe('A place for Sam on Pottery (Autumn 2026)');
    expect(m.text.startsWith('Hello,')).toBe(true);
    expect(`${m.subject}${m.text}${m.html}`).not.toMatch(/SECRET/);
  });

  it('invoice_issued: number, amount in pounds and due date', () => {
    const m = renderNotification('invoice_issued', { documentNumber: 'INV-000007', issueDate: '2026-12-01', dueDate: '2026-12-31', totalPence: 4500000, poNumber: 'PO-1' }, provider);
    expect(m.subject).toBe('Invoice INV-000007 from Fenland <Short> Breaks');
    expect(m.text).toContain('invoice INV-000007 (your reference PO-1), issued on Tuesday 1 December 2026, for £45,000.00, due by Thursday 31 December 2026');
  });

  it('every kind has a template', () => {
    for (const kind of NOTIFICATION_KINDS) {
      const m = renderNotification(kind, { participantFirstName: 'Sam', programmeName: 'P', termName: 'T', sessionDate: '2026-12-12', expiresOn: '2026-12-31',
        purpose: 'photography', documentKind: 'dbs_check', subjectType: 'user', subjectName: 'Priya', daysBefore: 7, documentNumber: 'INV-000001',
        issueDate: '2026-12-01', dueDate: '2026-12-31', totalPence: 100 }, provider);
      expect(m.subject.length).toBeGreaterThan(5);
    }
    expect(renderNotification('consent_expiring', { participantFirstName: 'Sam', purpose: 'photography', expiresOn: '2026-12-31' }, provider).subject)
      .toBe("Sam's consent for photographs expires on Thursday 31 December 2026");
    expect(renderNotification('compliance_expiring', { documentKind: 'dbs_check', subjectType: 'user', subjectName: 'Priya', expiresOn: '2026-12-31', daysBefore: 0 }, provider).subject)
      .toBe('DBS check for Priya expires today');
  });
});

describe('mail settings', () => {
  it('SMTP_URL and MAIL_FROM are optional; MAIL_FROM defaults to the provider', () => {
    expect(loadConfig({}).mail).toMatchObject({ smtpUrl: undefined, from: 'no-reply@localhost', attempts: 10, backoffMs: 30000 });
    expect(loadConfig({ PROVIDER_NAME: 'Fenland', PROVIDER_EMAIL: 'hi@fen.example' }).mail.from).toBe('"Fenland" <hi@fen.example>');
    const config = loadConfig({ SMTP_URL: 'smtps://user:pw@mail.example:465', MAIL_FROM: 'Office <office@fen.example>', MAIL_ATTEMPTS: '3' });
    expect(config.mail).toMatchObject({ smtpUrl: 'smtps://user:pw@mail.example:465', from: 'Office <office@fen.example>', attempts: 3 });
  });

  it('refuses an SMTP_URL that is not smtp(s) and a MAIL_FROM without an address', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAIL_FROM: 'Office' })).toThrow(/MAIL_FROM/);
  });
});
