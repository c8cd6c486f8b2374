import { createHmac } from 'node:crypto';
import { buildAlertPayload } from './alert-payload.js';
import { signBody, signedHeaders, verifySignature } from './webhook-signature.js';

const secret = 'a-webhook-secret-of-at-least-32-characters';

describe('webhook signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of the raw body', () => {
    const body = '{"alertId":"a1"}';
    expect(signBody(secret, body)).toBe(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  });

  it('verifies the signature of the same body and secret only', () => {
    const body = '{"alertId":"a1"}';
    const signature = signBody(secret, body);
    expect(verifySignature(secret, body, signature)).toBe(true);
    expect(verifySignature(secret, '{"alertId":"a2"}', signature)).toBe(false);
    expect(verifySignature(`${secret}x`, body, signature)).toBe(false);
    expect(verifySignature(secret, body, 'sha256=00')).toBe(false);
  });

  it('sends the timestamp in Unix seconds beside the signature', () => {
    const headers = signedHeaders(secret, '{}', new Date('2026-10-10T11:30:05.900Z'));
    expect(headers).toEqual({ 'Content-Type': 'application/json', 'X-Signature': signBody(secret, '{}'), 'X-Signature-Timestamp': '1791631805' });
  });
});

describe('safeguarding alert payload', () => {
  it('carries ids, category, times and a link, and nothing else', () => {
    const payload = buildAlertPayload(
      {
        alertId: 'a1',
        caseNoteId: 'n1',
        participantId: 'p1',
        occurredAt: new Date('2026-10-10T11:30:00Z'),
        recordedAt: new Date('2026-10-10T11:45:00Z'),
      },
      'https://backoffice.museum.example/',
      new Date('2026-10-10T11:45:01Z'),
    );
    expect(payload).toEqual({
      type: 'case_note.safeguarding',
      alertId: 'a1',
      caseNoteId: 'n1',
      participantId: 'p1',
      category: 'safeguarding',
      occurredAt: '2026-10-10T11:30:00.000Z',
      recordedAt: '2026-10-10T11:45:00.000Z',
      sentAt: '2026-10-10T11:45:01.000Z',
      link: 'https://backoffice.museum.example/api/v1/case-notes/n1',
    });
    expect(Object.keys(payload)).not.toContain('body');
  });
});
