import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { MAIL_QUEUE } from '../src/notifications/notifications.queue.js';
import { NotificationsService } from '../src/notifications/notifications.service.js';
import { addJob } from '../src/queue/jobs.js';
import { ComplianceService } from '../src/compliance/compliance.service.js';
import { addDays, factories, londonToday } from './factories.js';
import { billingWorld, runQuarter, type Json } from './support/billing.js';
import { expectProblem } from './support/problem.js';
import { type ReceivedMail, startSmtpServer, type TestSmtpServer } from './support/smtp.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';
import { eventually, startWorker, type WorkerProcess } from './support/worker-process.js';

/**
 * Notifications by email (API.md v1.1 "Notifications"; DOMAIN rule 18) through a real SMTP server in the
 * test process: who receives what, the invoice PDF attached, nothing sensitive in any message, a server
 * refusing for a while (every notification still arrives exactly once), a sent notification never sent
 * again, and GET /notifications by role.
 */
const SECRETS = ['MEDICAL-SECRET', 'NEEDS-SECRET', 'anaphylaxis'];
const ATTEMPTS = 6;

describe('notifications by email', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let world: Awaited<ReturnType<typeof billingWorld>>;
  let coordinator: { token: string };

  const list = (query: Record<string, string> = {}, token = t.adminToken) => t.api().get('/api/v1/notifications').query({ limit: 200, ...query }).set(bearer(token));
  const to = (address: string) => smtp.received.filter((m) => m.to.includes(address));
  const family = (tag: string, extra: Json = {}) => ({
    participant: {
      firstName: `Robin${tag}`,
      medicalNotes: 'MEDICAL-SECRET: anaphylaxis, carries an EpiPen',
      needs: 'NEEDS-SECRET: ear defenders',
      guardians: [
        { name: `Pat ${tag}`, relationship: 'mother', email: `pat.${tag.toLowerCase()}@family.example` },
        { name: `Lee ${tag}`, relationship: 'father', phone: '07700 900001' },
        { name: `Kim ${tag}`, relationship: 'carer', email: `kim.${tag.toLowerCase()}@family.example` },
      ],
      ...extra,
    },
  });
  async function waitForStatus(id: string, status: string, timeoutMs = 20_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = ((await list()).body.items as Json[]).find((n) => n.id === id);
      if (found?.status === status) return found;
      if (Date.now() > deadline) throw new Error(`notification ${id} is ${JSON.stringify(found)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const settle = () => new Promise((r) => setTimeout(r, 1500));

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Short Breaks Office <office@provider.example>',
        MAIL_ATTEMPTS: String(ATTEMPTS),
        MAIL_BACKOFF_MS: '100',
        OUTBOX_SWEEP_INTERVAL_MS: '300',
        PROVIDER_NAME: 'Fenland Short Breaks',
        PROVIDER_PHONE: '01223 000000',
        PROVIDER_EMAIL: 'hello@provider.example',
      },
    });
    f = factories(t);
    world = await billingWorld(t);
    coordinator = await f.user('coordinator');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  afterEach(() => {
    // nothing sensitive, in any message received so far (bodies, headers, attachments' names)
    for (const mail of smtp.received) for (const secret of SECRETS) expect(mail.raw).not.toContain(secret);
  });

  it('waitlist_promoted: a withdrawal that frees a place emails each guardian with an email of the promoted child, once', async () => {
    const offer = await f.offer(world.term, { programme: { name: 'Pottery Club', capacity: 1 } });
    const first = await f.registered(world.term, offer.programme, offer.commissioner.id, family('A'));
    const second = await f.registered(world.term, offer.programme, offer.commissioner.id, family('B'));
    expect(second.registration.status).toBe('waitlisted');
    const withdrawn = await f.withdraw(first.registration.id);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.promoted.registrationId).toBe(second.registration.id);

    await smtp.waitFor(2);
    await settle();
    expect(to('pat.b@family.example')).toHaveLength(1);
    expect(to('kim.b@family.example')).toHaveLength(1);
    expect(to('pat.a@family.example')).toHaveLength(0);
    const mail = to('pat.b@family.example')[0];
    expect(mail.to).toEqual(['pat.b@family.example']); // one family member per message: no one sees another's address
    expect(mail.from).toBe('office@provider.example');
    expect(mail.subject).toBe(`A place for RobinB on Pottery Club (${world.term.name})`);
    expect(mail.text).toContain('Dear Pat B,');
    expect(mail.text).toContain('Fenland Short Breaks');
    expect(mail.text).toContain('01223 000000');
    expect(mail.html).toContain('<p>Dear Pat B,</p>');

    const listed = (await list({ kind: 'waitlist_promoted' })).body.items as Json[];
    expect(listed.map((n) => n.recipient).sort()).toEqual(['kim.b@family.example', 'pat.b@family.example']);
    for (const n of listed) {
      expect(n).toMatchObject({ kind: 'waitlist_promoted', status: 'sent', attempts: 1, lastError: null, subject: mail.subject });
      expect(n.smtpMessageId).toMatch(/^<notification-[0-9a-f-]+@provider\.example>$/);
      expect(n).not.toHaveProperty('data');
      expect(n).not.toHaveProperty('text');
    }
    expect(mail.messageId).toBe(listed.find((n) => n.recipient === 'pat.b@family.example')!.smtpMessageId);
  });

  it('waitlist_promoted: a larger capacity that promotes from the waitlist emails the families promoted, in the same transaction', async () => {
    const offer = await f.offer(world.term, { programme: { name: 'Music Makers', capacity: 1 } });
    await f.registered(world.term, offer.programme, offer.commissioner.id, family('I'));
    const waiting = await f.registered(world.term, offer.programme, offer.commissioner.id, family('J'));
    const still = await f.registered(world.term, offer.programme, offer.commissioner.id, family('K'));
    expect([waiting.registration.status, still.registration.status]).toEqual(['waitlisted', 'waitlisted']);
    const before = smtp.received.length;
    expect((await t.api().patch(`/api/v1/programmes/${offer.programme.id}`).set(bearer(t.adminToken)).send({ capacity: 2 })).status).toBe(200);
    await smtp.waitFor(before + 2);
    await settle();
    expect(smtp.received.slice(before).flatMap((m) => m.to).sort()).toEqual(['kim.j@family.example', 'pat.j@family.example']);
    expect(to('pat.k@family.example')).toHaveLength(0);
    expect(to('pat.i@family.example')).toHaveLength(0);
  });

  it('session_cancelled: each guardian with an email of each registered child, in the transaction of the cancellation', async () => {
    const offer = await f.offer(world.term, { programme: { name: 'Climbing Wall' } });
    await f.registered(world.term, offer.programme, offer.commissioner.id, family('C'));
    await f.registered(world.term, offer.programme, offer.commissioner.id, family('D'));
    const session = await f.session(offer.programme.id, { date: '2026-12-12', startTime: '10:00', endTime: '13:00', venue: 'Kelsey Kerridge' });
    const before = smtp.received.length;
    const res = await t.api().post(`/api/v1/sessions/${session.id}/cancel`).set(bearer(coordinator.token)).send({ reason: 'The wall is being repaired' });
    expect(res.status).toBe(200);
    // the rows are there as soon as the cancellation answers
    const rows = await t.db.query(`SELECT recipient FROM notifications WHERE kind = 'session_cancelled' AND data->>'sessionId' = $1 ORDER BY recipient`, [session.id]);
    expect(rows.rows.map((r: Json) => r.recipient)).toEqual(['kim.c@family.example', 'kim.d@family.example', 'pat.c@family.example', 'pat.d@family.example']);

    await smtp.waitFor(before + 4);
    await settle();
    for (const address of ['pat.c', 'kim.c', 'pat.d', 'kim.d']) expect(to(`${address}@family.example`)).toHaveLength(1);
    const mail = to('kim.d@family.example')[0];
    expect(mail.subject).toBe('Cancelled: Climbing Wall on Saturday 12 December 2026');
    expect(mail.text).toContain('10:00 to 13:00 at Kelsey Kerridge');
    expect(mail.text).toContain('RobinD');
    expect(mail.text).toContain('The wall is being repaired');
    expect(mail.text).not.toContain('RobinC');
  });

  it('invoice_issued: to the council when it asks for invoices by email, and to a direct payment holder, with the PDF attached', async () => {
    const patched = await t.api().patch(`/api/v1/commissioners/${world.cambs.id}`).set(bearer(t.adminToken)).send({ sendInvoicesByEmail: true });
    expect(patched.status).toBe(200);
    expect(patched.body.sendInvoicesByEmail).toBe(true);
    expect((await f.get(`/commissioners/${world.essex.id}`)).body.sendInvoicesByEmail).toBe(false);
    expectProblem(await t.api().patch(`/api/v1/commissioners/${world.essex.id}`).set(bearer(t.adminToken)).send({ sendInvoicesByEmail: 'yes' }), 400, 'sendInvoicesByEmail');
    await world.place(); // Cambridgeshire, managed
    await world.place({ commissionerId: world.essex.id }); // Essex: not by email
    await world.place({ type: 'direct_payment', commissionerId: world.essex.id, holderName: 'Alex Holder' });
    const before = smtp.received.length;
    await runQuarter(t, '2026-Q4');

    await smtp.waitFor(before + 2);
    await settle();
    const council = to('ap@cambs.example');
    const holder = to('alex@family.example');
    expect(council).toHaveLength(1);
    expect(holder).toHaveLength(1);
    expect(smtp.received.length).toBe(before + 2);
    for (const mail of [council[0], holder[0]]) {
      expect(mail.subject).toMatch(/^Invoice INV-\d{6} from Fenland Short Breaks$/);
      expect(mail.attachments).toHaveLength(1);
      expect(mail.attachments[0].contentType).toBe('application/pdf');
      expect(mail.attachments[0].filename).toMatch(/^INV-\d{6}\.pdf$/);
      expect(mail.attachments[0].content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    }
    const invoices = (await list({ kind: 'invoice_issued' })).body.items as Json[];
    expect(invoices.map((n) => n.recipient).sort()).toEqual(['alex@family.example', 'ap@cambs.example']);
    expect(invoices.every((n) => n.status === 'sent' && typeof n.documentId === 'string')).toBe(true);
  });

  it('a server refusing (451) for a while, then accepting: every notification arrives exactly once', async () => {
    const offer = await f.offer(world.term, { programme: { name: 'Drama Workshop' } });
    await f.registered(world.term, offer.programme, offer.commissioner.id, family('E'));
    await f.registered(world.term, offer.programme, offer.commissioner.id, family('F'));
    await f.registered(world.term, offer.programme, offer.commissioner.id, family('G'));
    const session = await f.session(offer.programme.id, { date: '2026-12-13' });
    const before = smtp.received.length;
    smtp.refuseWith = 451;
    smtp.refused = 0;
    expect((await t.api().post(`/api/v1/sessions/${session.id}/cancel`).set(bearer(coordinator.token)).send({ reason: 'Staff illness' })).status).toBe(200);
    const deadline = Date.now() + 20_000;
    while (smtp.refused < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50)); // each of the 6 refused at least twice
    expect(smtp.refused).toBeGreaterThanOrEqual(12);
    const queued = ((await list({ status: 'queued', kind: 'session_cancelled' })).body.items as Json[]);
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.some((n) => /451/.test(n.lastError ?? ''))).toBe(true);
    smtp.refuseWith = null;

    await smtp.waitFor(before + 6);
    await settle();
    for (const tag of ['e', 'f', 'g']) {
      expect(to(`pat.${tag}@family.example`)).toHaveLength(1);
      expect(to(`kim.${tag}@family.example`)).toHaveLength(1);
    }
    expect(smtp.received.length).toBe(before + 6);
    const rows = await t.db.query(`SELECT status, attempts FROM notifications WHERE data->>'sessionId' = $1`, [session.id]);
    expect(rows.rows.every((r: Json) => r.status === 'sent' && r.attempts >= 2)).toBe(true);
  });

  it('a sent notification is never sent again: a retried or duplicated job for it sends nothing', async () => {
    const sent = ((await list({ status: 'sent', kind: 'session_cancelled' })).body.items as Json[])[0];
    const [row] = (await t.db.query(`SELECT dispatch_generation FROM notifications WHERE id = $1`, [sent.id])).rows;
    const before = smtp.received.length;
    const service = t.app.get(NotificationsService);
    await service.send(sent.id, row.dispatch_generation);
    await service.send(sent.id);
    const queue = t.app.get<Queue>(getQueueToken(MAIL_QUEUE));
    const job = await addJob(queue, MAIL_QUEUE, 'send', { notificationId: sent.id, generation: row.dispatch_generation }, { jobId: `again-${sent.id}` });
    await job.finished();
    await settle();
    expect(smtp.received.length).toBe(before);
    const after = ((await list({ status: 'sent' })).body.items as Json[]).find((n) => n.id === sent.id)!;
    expect(after).toMatchObject({ status: 'sent', attempts: sent.attempts, smtpMessageId: sent.smtpMessageId, sentAt: sent.sentAt });
  });

  it(`failed after ${ATTEMPTS} attempts: a refused notification is marked failed with the server's answer, and not retried`, async () => {
    smtp.refuseWith = 550;
    try {
      const [row] = (
        await t.db.query(
          `INSERT INTO notifications (kind, recipient, data, attempts) VALUES ('waitlist_promoted', 'nobody@family.example',
             '{"participantFirstName":"Sam","programmeName":"Pottery Club","termName":"Autumn"}', $1) RETURNING id`,
          [ATTEMPTS - 1],
        )
      ).rows;
      await t.app.get(NotificationsService).send(row.id); // the last attempt: refused, failed for good, nothing thrown
      const failed = await waitForStatus(row.id, 'failed');
      expect(failed.attempts).toBe(ATTEMPTS);
      expect(failed.lastError).toMatch(/^SMTP 550/);
      expect(failed.sentAt).toBeNull();
    } finally {
      smtp.refuseWith = null;
    }
  });

  it('GET /notifications filters by status and kind; finance sees invoice notifications only; others 403; bad filters 400', async () => {
    const all = (await list()).body.items as Json[];
    expect(new Set(all.map((n) => n.kind))).toEqual(new Set(['waitlist_promoted', 'session_cancelled', 'invoice_issued']));
    const failed = (await list({ status: 'failed' })).body.items as Json[];
    expect(failed.map((n) => n.recipient)).toEqual(['nobody@family.example']);
    expect((await list({}, coordinator.token)).body.items).toHaveLength(all.length);

    const finance = await f.user('finance');
    const seen = (await list({}, finance.token)).body.items as Json[];
    expect(seen.length).toBe(2);
    expect(seen.every((n) => n.kind === 'invoice_issued')).toBe(true);
    expect((await list({ kind: 'session_cancelled' }, finance.token)).body.items).toEqual([]);

    for (const role of ['support_worker', 'safeguarding_lead']) expect((await list({}, (await f.user(role)).token)).status).toBe(403);
    expectProblem(await list({ status: 'delivered' }), 400, 'status');
    expectProblem(await list({ kind: 'birthday' }), 400, 'kind');

    const page = await list({ limit: '2' });
    expect(page.body.items).toHaveLength(2);
    const next = await list({ limit: '200', cursor: page.body.nextCursor });
    expect(next.body.items).toHaveLength(all.length - 2);
  });

  it('compliance_expiring: each expiry reminder raised by the daily job emails every coordinator and admin, once', async () => {
    const today = londonToday();
    const doc = await f.post('/compliance-documents', {
      kind: 'public_liability_insurance', subjectType: 'organisation', issuedOn: addDays(today, -300), expiresOn: addDays(today, 7),
      notes: 'NOTES-SECRET: broker phone 0800', reference: 'PL-1',
    }, coordinator.token);
    const staff = (await t.db.query(`SELECT email FROM users WHERE role IN ('admin', 'coordinator') ORDER BY email`)).rows.map((r: Json) => r.email);
    expect(staff.length).toBeGreaterThanOrEqual(2);
    const before = smtp.received.length;
    const compliance = t.app.get(ComplianceService);
    expect(await compliance.raiseReminders(today)).toBe(1);
    expect(await compliance.raiseReminders(today)).toBe(0); // once each
    await smtp.waitFor(before + staff.length);
    await settle();
    const got = smtp.received.slice(before);
    expect(got.flatMap((m) => m.to).sort()).toEqual(staff);
    expect(got[0].subject).toBe('Public liability insurance for Fenland Short Breaks expires in 7 days');
    expect(got[0].text).toContain(`The public liability insurance held for Fenland Short Breaks expires on`);
    for (const m of got) expect(m.raw).not.toContain('NOTES-SECRET');
    const [reminder] = (await t.db.query(`SELECT notified_at FROM compliance_reminders WHERE document_id = $1`, [doc.id])).rows;
    expect(reminder.notified_at).not.toBeNull();
  });

  it('consent_expiring: a current consent expiring within 30 days is told to each guardian with an email, once', async () => {
    const today = londonToday();
    const child = await f.participant(family('H').participant);
    const consent = (purpose: string, expiresOn: string, recordedOn = addDays(today, -100)) =>
      f.post(`/participants/${child.id}/consents`, { purpose, given: true, givenBy: 'Pat H (mother)', recordedOn, expiresOn });
    await consent('photography', addDays(today, 20));
    await consent('transport', addDays(today, 60)); // not yet
    await consent('off_site_trips', addDays(today, 10), addDays(today, -200));
    await consent('off_site_trips', addDays(today, 300), addDays(today, -5)); // renewed: the expiring one no longer applies
    const before = smtp.received.length;
    const compliance = t.app.get(ComplianceService);
    await compliance.raiseReminders(today);
    await compliance.raiseReminders(today);
    await compliance.raiseReminders(addDays(today, 1));
    await smtp.waitFor(before + 2);
    await settle();
    const got = smtp.received.slice(before);
    expect(got.flatMap((m) => m.to).sort()).toEqual(['kim.h@family.example', 'pat.h@family.example']);
    expect(got[0].subject).toMatch(/^RobinH's consent for photographs expires on /);
  });

  it('the subject access export lists the notifications about the child; erasing anonymises them (recipient, subject, data)', async () => {
    const promoted = ((await list({ kind: 'waitlist_promoted' })).body.items as Json[]).filter((n) => /RobinB/.test(n.subject));
    expect(promoted).toHaveLength(2);
    const [{ participant_id: childId }] = (await t.db.query(`SELECT data->>'participantId' AS participant_id FROM notifications WHERE id = $1`, [promoted[0].id])).rows;
    const exported = async () => (await t.api().get(`/api/v1/participants/${childId}/export`).set(bearer(t.adminToken)).expect(200)).body.notifications as Json[];
    // the subject access export lists the emails about the child, as GET /notifications shows them
    const before = await exported();
    expect(before.map((n) => n.id).sort()).toEqual(promoted.map((n) => n.id).sort());
    expect(before).toEqual(expect.arrayContaining(promoted));
    const erased = await t.api().post(`/api/v1/participants/${childId}/erase`).set(bearer(t.adminToken)).send({ reason: 'Right-to-erasure request' });
    expect(erased.status).toBe(200);
    const after = await exported();
    expect(after).toHaveLength(promoted.length);
    for (const n of after) expect(n).toMatchObject({ kind: 'waitlist_promoted', recipient: '[erased]', subject: '[erased]', status: 'sent' });
    const { rows } = await t.db.query(`SELECT recipient, subject, data, status FROM notifications WHERE data->>'participantId' = $1`, [childId]);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row).toMatchObject({ recipient: '[erased]', subject: '[erased]', data: { participantId: childId }, status: 'sent' });
    }
    const all = JSON.stringify((await list()).body.items);
    expect(all).not.toContain('pat.b@family.example');
    expect(all).not.toContain('RobinB');
  });
});

/** Without SMTP_URL nothing is sent: notifications wait, visible as queued. */
describe('notifications without SMTP_URL', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('a cancellation writes its notifications, which stay queued (no attempt made)', async () => {
    t = await createTestApp({ env: { OUTBOX_SWEEP_INTERVAL_MS: '200' } });
    const f = factories(t);
    const term = await f.term();
    const offer = await f.offer(term as never);
    await f.registered(term as never, offer.programme, offer.commissioner.id, { participant: { guardians: [{ name: 'Jo', relationship: 'mother', email: 'jo@family.example' }] } });
    const session = await f.session(offer.programme.id, { date: '2026-12-12' });
    expect((await t.api().post(`/api/v1/sessions/${session.id}/cancel`).set(bearer((await f.user('coordinator')).token)).send({ reason: 'Snow' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    const res = await t.api().get('/api/v1/notifications').set(bearer(t.adminToken));
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ kind: 'session_cancelled', recipient: 'jo@family.example', status: 'queued', attempts: 0, sentAt: null });
    expect(res.body.items[0].subject).toBe('Cancelled: Arts Pioneers on Saturday 12 December 2026');
    const [row] = (await t.db.query(`SELECT enqueued_at FROM notifications`)).rows;
    expect(row.enqueued_at).toBeNull();
  });

  it('started later with SMTP_URL, a worker sends what waited, once each', async () => {
    const api = await createTestApp({ role: 'api', env: { OUTBOX_SWEEP_INTERVAL_MS: '200' } });
    const smtp = await startSmtpServer();
    let worker: WorkerProcess | undefined;
    try {
      const f = factories(api);
      const term = await f.term();
      const offer = await f.offer(term as never);
      const guardians = [
        { name: 'Jo', relationship: 'mother', email: 'jo.w@family.example' },
        { name: 'Sam', relationship: 'father', email: 'sam.w@family.example' },
      ];
      await f.registered(term as never, offer.programme, offer.commissioner.id, { participant: { guardians } });
      const session = await f.session(offer.programme.id, { date: '2026-12-12' });
      expect((await api.api().post(`/api/v1/sessions/${session.id}/cancel`).set(bearer(api.adminToken)).send({ reason: 'Snow' })).status).toBe(200);
      const waiting = async () => (await api.api().get('/api/v1/notifications').set(bearer(api.adminToken))).body.items as Json[];
      await new Promise((r) => setTimeout(r, 1000));
      expect((await waiting()).map((n) => n.status)).toEqual(['queued', 'queued']);

      worker = await startWorker(api, { SMTP_URL: smtp.url, MAIL_FROM: 'office@provider.example', OUTBOX_SWEEP_INTERVAL_MS: '200' });
      const mails = await smtp.waitFor(2, 30_000);
      expect(mails.flatMap((m) => m.to).sort()).toEqual(['jo.w@family.example', 'sam.w@family.example']);
      await eventually(async () => (await waiting()).every((n) => n.status === 'sent'), 20_000, 'both notifications sent');
      await new Promise((r) => setTimeout(r, 1500)); // sweeps after sending send nothing again
      expect(smtp.received).toHaveLength(2);
    } finally {
      await worker?.stop();
      await smtp.close();
      await api.close();
    }
  });
});

export type { ReceivedMail };
