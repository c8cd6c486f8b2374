import { randomUUID } from 'node:crypto';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { aNote, caseNoteFixtures, type Staff } from './fixtures.js';

type Event = {
  id: string;
  occurredAt: string;
  actor: { kind: string; id: string | null; name: string };
  action: string;
  subjectType: string;
  subjectId: string;
  participantId: string | null;
  detail: string | null;
  requestId: string | null;
};

/**
 * Rule 9: reading or changing special category data (case notes, medical notes) leaves an audit event
 * naming who, what and when — written with the change, and kept append-only by the database.
 */
describe('audit trail', () => {
  let t: TestApp;
  let fx: ReturnType<typeof caseNoteFixtures>;
  let staff: Staff;
  let participantId: string;

  beforeAll(async () => {
    t = await createTestApp();
    fx = caseNoteFixtures(t);
    staff = await fx.staff();
    participantId = (await fx.registeredParticipant()).participant.id;
  });
  afterAll(() => t?.close());

  async function eventsAbout(subjectId: string, query = ''): Promise<Event[]> {
    const res = await fx.get(`/audit-events?subjectId=${subjectId}${query}`, staff.safeguardingLead.token);
    expect(res.status).toBe(200);
    return res.body.items;
  }

  describe('case notes', () => {
    it('records the creation with the author, the time and the request id', async () => {
      const requestId = `req-${randomUUID()}`;
      const before = Date.now();
      const res = await fx
        .postNote(participantId, staff.formTool.token, aNote(), randomUUID())
        .set('X-Request-Id', requestId);
      expect(res.status).toBe(201);
      expect(res.headers['x-request-id']).toBe(requestId);
      const events = await eventsAbout(res.body.id, '&subjectType=case_note');
      expect(events).toEqual([
        {
          id: expect.any(String),
          occurredAt: expect.any(String),
          actor: { kind: 'integration', id: staff.formTool.id, name: 'Form tool' },
          action: 'create',
          subjectType: 'case_note',
          subjectId: res.body.id,
          participantId,
          detail: null,
          requestId,
        },
      ]);
      expect(Date.parse(events[0].occurredAt)).toBeGreaterThanOrEqual(before - 1000);
    });

    it('records each read: by id, in a list and of the versions, with the X-Request-Id the response carried', async () => {
      const note = await fx.note(participantId, staff.coordinator.token);
      const byId = await fx.get(`/case-notes/${note.id}`, staff.supportWorker.token);
      const list = await fx.get(`/participants/${participantId}/case-notes`, staff.coordinator.token);
      const versions = await fx.get(`/case-notes/${note.id}/versions`, staff.safeguardingLead.token);
      const reads = (await eventsAbout(note.id, '&action=read')).map((e) => [e.actor.id, e.detail, e.requestId]);
      expect(reads).toEqual([
        [staff.supportWorker.id, 'by-id', byId.headers['x-request-id']],
        [staff.coordinator.id, 'list', list.headers['x-request-id']],
        [staff.safeguardingLead.id, 'versions', versions.headers['x-request-id']],
      ]);
    });

    it('records one read per note a list shows, and none for the notes it leaves out', async () => {
      const child = (await fx.registeredParticipant()).participant.id;
      const progress = await fx.note(child, staff.coordinator.token, aNote({ category: 'progress' }));
      const restricted = await fx.note(child, staff.coordinator.token, aNote({ category: 'safeguarding' }));
      await fx.get(`/participants/${child}/case-notes`, staff.supportWorker.token);
      const reads = await fx.count('audit_events', "participant_id = $1 AND action = 'read' AND actor_id = $2", [child, staff.supportWorker.id]);
      expect(reads).toBe(1);
      expect(await fx.count('audit_events', "subject_id = $1 AND action = 'read'", [progress.id])).toBe(1);
      expect(await fx.count('audit_events', "subject_id = $1 AND action = 'read'", [restricted.id])).toBe(0);
    });

    it('records an amendment with the version it made', async () => {
      const note = await fx.note(participantId, staff.formTool.token);
      await fx.amend(note.id, staff.formTool.token, { body: 'Better words', reason: 'Wording' });
      const [amend] = await eventsAbout(note.id, '&action=amend');
      expect(amend).toMatchObject({ actor: { kind: 'integration', id: staff.formTool.id }, action: 'amend', detail: 'version 2' });
    });

    it('writes the event in the transaction of the change: a refused note leaves no event', async () => {
      const before = await fx.count('audit_events');
      const res = await fx.postNote(participantId, staff.formTool.token, aNote({ sessionId: randomUUID() }), randomUUID());
      expect(res.status).toBe(422);
      expect(await fx.count('audit_events')).toBe(before);
    });

    it('never holds a note body', async () => {
      const note = await fx.note(participantId, staff.coordinator.token, aNote({ body: 'A very particular sentence: quixotic-marmalade' }));
      await fx.get(`/case-notes/${note.id}`, staff.coordinator.token);
      expect(await fx.count('audit_events', "row_to_json(audit_events)::text LIKE '%quixotic-marmalade%'")).toBe(0);
    });
  });

  describe('medical notes', () => {
    it('records a read whenever a participant is shown with medical notes', async () => {
      const child = await fx.participant({ medicalNotes: 'Asthma: inhaler in the front pocket' });
      const res = await fx.get(`/participants/${child.id}`, staff.supportWorker.token);
      expect(res.body.medicalNotes).toBe('Asthma: inhaler in the front pocket');
      const events = await eventsAbout(child.id, '&subjectType=participant');
      expect(events.map((e) => [e.action, e.actor.id, e.detail, e.requestId])).toEqual([
        ['create', null, 'medical-notes', expect.any(String)],
        ['read', staff.supportWorker.id, 'medical-notes', res.headers['x-request-id']],
      ].map(([action, actor, detail, requestId]) => [action, actor ?? expect.any(String), detail, requestId]));
    });

    it('records a read for each participant a list shows with medical notes', async () => {
      const withNotes = await fx.participant({ medicalNotes: 'Nut allergy' });
      const without = await fx.participant();
      const res = await fx.get('/participants?limit=200', staff.coordinator.token);
      expect(res.status).toBe(200);
      const reads = (id: string) => fx.count('audit_events', "subject_id = $1 AND action = 'read' AND actor_id = $2", [id, staff.coordinator.id]);
      expect(await reads(withNotes.id)).toBe(1);
      expect(await reads(without.id)).toBe(0);
    });

    it('records nothing when the caller is not shown the medical notes', async () => {
      const child = await fx.participant({ medicalNotes: 'Diabetes' });
      const res = await fx.get(`/participants/${child.id}`, staff.directory.token);
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('medicalNotes');
      expect(await fx.count('audit_events', "subject_id = $1 AND action = 'read'", [child.id])).toBe(0);
    });

    it('records a change of medical notes with the change', async () => {
      const child = await fx.participant();
      const res = await t.api().patch(`/api/v1/participants/${child.id}`).set(bearer(staff.coordinator.token)).send({ medicalNotes: 'Hay fever' });
      expect(res.status).toBe(200);
      expect((await eventsAbout(child.id, '&action=amend')).map((e) => e.actor.id)).toEqual([staff.coordinator.id]);
    });
  });

  describe('GET /audit-events', () => {
    it('pages and filters the events', async () => {
      const note = await fx.note(participantId, staff.coordinator.token);
      for (let i = 0; i < 3; i++) await fx.get(`/case-notes/${note.id}`, staff.coordinator.token);
      const first = await fx.get(`/audit-events?subjectType=case_note&subjectId=${note.id}&limit=2`, t.adminToken);
      expect(first.status).toBe(200);
      expect(first.body.items.map((e: Event) => e.action)).toEqual(['create', 'read']);
      const second = await fx.get(`/audit-events?subjectType=case_note&subjectId=${note.id}&limit=2&cursor=${first.body.nextCursor}`, t.adminToken);
      expect(second.body.items.map((e: Event) => e.action)).toEqual(['read', 'read']);
      expect(second.body.nextCursor).toBeNull();
      const byParticipant = await fx.get(`/audit-events?participantId=${participantId}&actorId=${staff.coordinator.id}&action=create`, t.adminToken);
      expect(byParticipant.body.items.map((e: Event) => e.subjectId)).toContain(note.id);
    });

    it('takes an empty filter as no filter', async () => {
      const note = await fx.note(participantId, staff.coordinator.token);
      const res = await fx.get(`/audit-events?subjectType=&subjectId=${note.id}&action=`, staff.safeguardingLead.token);
      expect(res.status).toBe(200);
      expect(res.body.items.map((e: Event) => e.action)).toEqual(['create']);
    });

    it('refuses bad filters with 400', async () => {
      expect((await fx.get('/audit-events?subjectType=invoice', t.adminToken)).status).toBe(400);
      expect((await fx.get('/audit-events?subjectId=42', t.adminToken)).status).toBe(400);
      expect((await fx.get('/audit-events?limit=500', t.adminToken)).status).toBe(400);
    });
  });

  describe('append-only', () => {
    it('has the database refuse UPDATE, DELETE and TRUNCATE of audit events', async () => {
      const note = await fx.note(participantId, staff.coordinator.token);
      const { rows } = await t.db.query('SELECT * FROM audit_events WHERE subject_id = $1', [note.id]);
      expect(rows).toHaveLength(1);
      await expect(t.db.query(`UPDATE audit_events SET actor_name = 'someone else' WHERE subject_id = $1`, [note.id])).rejects.toThrow(
        /append-only: UPDATE refused/,
      );
      await expect(t.db.query('DELETE FROM audit_events WHERE subject_id = $1', [note.id])).rejects.toThrow(/append-only: DELETE refused/);
      await expect(t.db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
      await expect(t.db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE refused/);
      const after = await t.db.query('SELECT * FROM audit_events WHERE subject_id = $1', [note.id]);
      expect(after.rows).toEqual(rows);
    });
  });
});
