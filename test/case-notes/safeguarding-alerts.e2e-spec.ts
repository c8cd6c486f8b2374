import { getQueueToken } from '@nestjs/bull';
import { jest } from '@jest/globals';
import type { Queue } from 'bull';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SafeguardingAlertRepository } from '../../src/safeguarding-alerts/safeguarding-alert.repository.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { aNote, caseNoteFixtures, type Staff } from './fixtures.js';

const SECRET = 'test-webhook-secret-0123456789abcdef';
const PUBLIC_BASE_URL = 'https://backoffice.museum.example';

interface Delivery {
  headers: IncomingHttpHeaders;
  rawBody: string;
  answered: number;
}

/** A tiny webhook receiver: records every delivery and fails the next `failNext` of them with 500. */
class Receiver {
  deliveries: Delivery[] = [];
  failNext = 0;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answered = this.failNext > 0 ? 500 : 204;
        if (this.failNext > 0) this.failNext--;
        this.deliveries.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8'), answered });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks/safeguarding`;
  }

  for(caseNoteId: string): Delivery[] {
    return this.deliveries.filter((d) => d.rawBody.includes(caseNoteId));
  }

  stop(): Promise<void> {
    return new Promise((done) => (this.server ? this.server.close(() => done()) : done()));
  }
}

async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A safeguarding note sends a signed webhook through Bull, retried with backoff, carrying ids, category,
 * times and a link but never the note body; attempts are visible to admins.
 */
describe('safeguarding alerts', () => {
  const receiver = new Receiver();
  let t: TestApp;
  let fx: ReturnType<typeof caseNoteFixtures>;
  let staff: Staff;
  let participantId: string;

  beforeAll(async () => {
    const url = await receiver.start();
    t = await createTestApp({
      env: {
        SAFEGUARDING_WEBHOOK_URL: url,
        SAFEGUARDING_WEBHOOK_SECRET: SECRET,
        SAFEGUARDING_WEBHOOK_ATTEMPTS: '4',
        SAFEGUARDING_WEBHOOK_BACKOFF_MS: '50',
        OUTBOX_SWEEP_INTERVAL_MS: '1000',
        PUBLIC_BASE_URL,
      },
    });
    fx = caseNoteFixtures(t);
    staff = await fx.staff();
    participantId = (await fx.registeredParticipant()).participant.id;
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  const alertOf = async (caseNoteId: string) => {
    const res = await fx.get(`/safeguarding-alerts?caseNoteId=${caseNoteId}`, t.adminToken);
    expect(res.status).toBe(200);
    return res.body.items[0];
  };

  it('sends a signed alert without the note body', async () => {
    const body = aNote({ category: 'safeguarding', body: 'Jamie said something worrying about home (marker 5150)', authorName: 'Priya Patel' });
    const note = await fx.note(participantId, staff.formTool.token, body);
    const [delivery] = await eventually(async () => receiver.for(note.id).length > 0 && receiver.for(note.id));

    const expected = `sha256=${createHmac('sha256', SECRET).update(delivery.rawBody).digest('hex')}`;
    expect(delivery.headers['x-signature']).toBe(expected);
    expect(delivery.headers['content-type']).toBe('application/json');
    const timestamp = Number(delivery.headers['x-signature-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);

    expect(delivery.rawBody).not.toContain('5150');
    expect(delivery.rawBody).not.toContain('worrying');
    expect(delivery.rawBody).not.toContain('Priya');
    const payload = JSON.parse(delivery.rawBody);
    expect(payload).toEqual({
      type: 'case_note.safeguarding',
      alertId: expect.any(String),
      caseNoteId: note.id,
      participantId,
      category: 'safeguarding',
      occurredAt: new Date(body.occurredAt as string).toISOString(),
      recordedAt: expect.any(String),
      sentAt: expect.any(String),
      link: `${PUBLIC_BASE_URL}/api/v1/case-notes/${note.id}`,
    });
    expect(Math.floor(Date.parse(payload.sentAt) / 1000)).toBe(timestamp);

    const alert = await eventually(async () => {
      const a = await alertOf(note.id);
      return a?.status === 'delivered' && a;
    });
    expect(alert).toMatchObject({ id: payload.alertId, attempts: 1, lastHttpStatus: 204, lastError: null, deliveredAt: expect.any(String) });
  }, 30_000);

  it('retries a failing receiver with backoff until it succeeds', async () => {
    receiver.failNext = 2;
    const note = await fx.note(participantId, staff.coordinator.token, aNote({ category: 'safeguarding' }));
    const alert = await eventually(async () => {
      const a = await alertOf(note.id);
      return a?.status === 'delivered' && a;
    });
    expect(alert).toMatchObject({ attempts: 3, lastHttpStatus: 204, lastError: null });
    const deliveries = receiver.for(note.id);
    expect(deliveries.map((d) => d.answered)).toEqual([500, 500, 204]);
    for (const d of deliveries) {
      expect(d.headers['x-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(d.rawBody).digest('hex')}`);
    }
    expect(new Set(deliveries.map((d) => JSON.parse(d.rawBody).alertId)).size).toBe(1);
  }, 30_000);

  it('marks the alert failed, with the last error, when every attempt fails', async () => {
    receiver.failNext = 100;
    try {
      const note = await fx.note(participantId, staff.coordinator.token, aNote({ category: 'safeguarding' }));
      const alert = await eventually(async () => {
        const a = await alertOf(note.id);
        return a?.status === 'failed' && a;
      });
      expect(alert).toMatchObject({ attempts: 4, lastHttpStatus: 500, lastError: 'The receiver answered HTTP 500', deliveredAt: null });
      expect(receiver.for(note.id)).toHaveLength(4);
    } finally {
      receiver.failNext = 0;
    }
  }, 30_000);

  it('sends nothing for other categories', async () => {
    const note = await fx.note(participantId, staff.coordinator.token, aNote({ category: 'health' }));
    await new Promise((r) => setTimeout(r, 300));
    expect(await fx.count('safeguarding_alerts', 'case_note_id = $1', [note.id])).toBe(0);
    expect(receiver.for(note.id)).toHaveLength(0);
  });

  it('keeps the alert when Redis refuses it after the commit, and the dispatcher queues it later', async () => {
    const queue = t.app.get<Queue>(getQueueToken('safeguarding-alerts'));
    const add = jest.spyOn(queue, 'add').mockRejectedValueOnce(new Error('Connection is closed.'));
    try {
      const note = await fx.note(participantId, staff.formTool.token, aNote({ category: 'safeguarding' }));
      const { rows } = await t.db.query('SELECT status FROM safeguarding_alerts WHERE case_note_id = $1', [note.id]);
      expect(rows).toEqual([{ status: 'pending' }]);
      const alert = await eventually(async () => {
        const a = await alertOf(note.id);
        return a?.status === 'delivered' && a;
      });
      expect(alert.enqueuedAt).toEqual(expect.any(String));
      expect(receiver.for(note.id)).toHaveLength(1);
    } finally {
      add.mockRestore();
    }
  }, 30_000);

  it('records when an alert was enqueued even when its job delivered it before the enqueue was recorded', async () => {
    const note = await fx.note(participantId, staff.coordinator.token, aNote({ category: 'safeguarding' }));
    const delivered = await eventually(async () => {
      const a = await alertOf(note.id);
      return a?.status === 'delivered' && a;
    });
    // the order the worker can produce: the job runs and delivers before the request records the enqueue
    const { rows } = await t.db.query(
      'UPDATE safeguarding_alerts SET enqueued_at = NULL WHERE id = $1 RETURNING dispatch_generation AS generation',
      [delivered.id],
    );
    await t.app.get(SafeguardingAlertRepository).markEnqueued(delivered.id, rows[0].generation);
    const after = await alertOf(note.id);
    expect(after).toMatchObject({ status: 'delivered', enqueuedAt: expect.any(String) });
  }, 30_000);

  it('writes the outbox row in the note’s transaction: a refused note leaves no alert', async () => {
    const before = await fx.count('safeguarding_alerts');
    const res = await fx.postNote(participantId, staff.formTool.token, aNote({ category: 'safeguarding', sessionId: randomUUID() }), randomUUID());
    expect(res.status).toBe(422);
    expect(await fx.count('safeguarding_alerts')).toBe(before);
  });

  it('shows delivery attempts to admins only', async () => {
    expect((await fx.get('/safeguarding-alerts', staff.coordinator.token)).status).toBe(403);
    expect((await fx.get('/safeguarding-alerts', staff.safeguardingLead.token)).status).toBe(403);
    const all = await fx.get('/safeguarding-alerts?status=delivered', t.adminToken);
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThan(0);
    expect(all.body.items.every((a: { status: string }) => a.status === 'delivered')).toBe(true);
    const one = await fx.get(`/safeguarding-alerts/${all.body.items[0].id}`, t.adminToken);
    expect(one.body).toEqual(all.body.items[0]);
    expect((await fx.get(`/safeguarding-alerts/${randomUUID()}`, t.adminToken)).status).toBe(404);
  });
});
