import { randomUUID } from 'node:crypto';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { aNote, caseNoteFixtures, minutesAgo, type Staff } from './fixtures.js';

/**
 * Case notes through integrations: the contract of POST/GET/amend, rule 8 (one note per idempotency
 * key, whatever the retries and the concurrency) and rule 10 (bad input: a 4xx naming the field, no rows).
 */
describe('case notes', () => {
  let t: TestApp;
  let fx: ReturnType<typeof caseNoteFixtures>;
  let staff: Staff;
  let world: Awaited<ReturnType<typeof fx.registeredParticipant>>;
  let participantId: string;

  beforeAll(async () => {
    t = await createTestApp();
    fx = caseNoteFixtures(t);
    staff = await fx.staff();
    world = await fx.registeredParticipant();
    participantId = world.participant.id;
  });
  afterAll(() => t?.close());

  describe('writing', () => {
    it('stores a note from an integration, stamping the author from the key', async () => {
      const body = aNote({ category: 'achievement', authorName: 'Priya (support worker)', sessionId: world.session.id });
      const res = await fx.postNote(participantId, staff.formTool.token, body, randomUUID());
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        participantId,
        category: 'achievement',
        body: body.body,
        occurredAt: new Date(body.occurredAt as string).toISOString(),
        sessionId: world.session.id,
        version: 1,
        author: { kind: 'integration', id: staff.formTool.id, name: 'Form tool' },
        authorName: 'Priya (support worker)',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const { rows } = await t.db.query('SELECT body, version FROM case_note_versions WHERE case_note_id = $1', [res.body.id]);
      expect(rows).toEqual([{ body: body.body, version: 1 }]);
    });

    it('stores a note from a member of staff without an idempotency key', async () => {
      const res = await fx.postNote(participantId, staff.supportWorker.token, aNote());
      expect(res.status).toBe(201);
      expect(res.body.author).toEqual({ kind: 'user', id: staff.supportWorker.id, name: 'Priya Support' });
      expect(res.body.authorName).toBeNull();
    });

    it('requires an Idempotency-Key from an integration and stores nothing without one', async () => {
      const before = await fx.count('case_notes');
      const res = await fx.postNote(participantId, staff.formTool.token, aNote());
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.stringMatching(/required/) }]);
      expect(await fx.count('case_notes')).toBe(before);
    });

    it('refuses a malformed Idempotency-Key', async () => {
      const res = await fx.postNote(participantId, staff.formTool.token, aNote(), 'x'.repeat(256));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('Idempotency-Key');
    });

    it('accepts a body of exactly 10000 characters', async () => {
      const res = await fx.postNote(participantId, staff.coordinator.token, aNote({ body: 'a'.repeat(10000) }));
      expect(res.status).toBe(201);
      expect(res.body.body).toHaveLength(10000);
    });

    it('keeps no alert for a safeguarding note when no webhook is configured', async () => {
      const res = await fx.postNote(participantId, staff.supportWorker.token, aNote({ category: 'safeguarding' }));
      expect(res.status).toBe(201);
      expect(await fx.count('safeguarding_alerts', 'case_note_id = $1', [res.body.id])).toBe(0);
    });

    it.each([
      ['an unknown category', { category: 'gossip' }, 'category'],
      ['an empty body', { body: '' }, 'body'],
      ['a blank body', { body: '   ' }, 'body'],
      ['a body over 10000 characters', { body: 'a'.repeat(10001) }, 'body'],
      ['a body that is not text', { body: 42 }, 'body'],
      ['a date without a time', { occurredAt: '2026-10-10' }, 'occurredAt'],
      ['a time without a zone', { occurredAt: '2026-10-10T10:00:00' }, 'occurredAt'],
      ['an impossible date', { occurredAt: '2026-02-30T10:00:00Z' }, 'occurredAt'],
      ['a time in the future', { occurredAt: new Date(Date.now() + 3_600_000).toISOString() }, 'occurredAt'],
      ['a session id that is not a UUID', { sessionId: 'session-1' }, 'sessionId'],
      ['an unknown field', { mood: 'happy' }, 'mood'],
      ['an empty author name', { authorName: '' }, 'authorName'],
    ])('refuses %s with 400 naming the field, storing nothing', async (_what, change, field) => {
      const before = await fx.count('case_notes');
      const key = randomUUID();
      const res = await fx.postNote(participantId, staff.formTool.token, aNote(change), key);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await fx.count('case_notes')).toBe(before);
      expect(await fx.count('idempotency_keys', 'key = $1', [key])).toBe(0);
    });

    it('refuses a missing field', async () => {
      const { occurredAt: _omitted, ...rest } = aNote();
      const res = await fx.postNote(participantId, staff.coordinator.token, rest);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('occurredAt');
    });

    it('refuses malformed JSON and a non-object body with 400', async () => {
      const malformed = await t
        .api()
        .post(`/api/v1/participants/${participantId}/case-notes`)
        .set(bearer(staff.coordinator.token))
        .set('Content-Type', 'application/json')
        .send('{"category": "general",');
      expect(malformed.status).toBe(400);
      const array = await fx.postNote(participantId, staff.coordinator.token, [aNote()] as never);
      expect(array.status).toBe(400);
    });

    it('answers 404 for an unknown participant and 400 for a malformed id', async () => {
      expect((await fx.postNote(randomUUID(), staff.coordinator.token)).status).toBe(404);
      const malformed = await fx.postNote('participant-1', staff.coordinator.token);
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0].field).toBe('id');
    });

    it('refuses with 422 a session that does not exist or that the participant has no place on', async () => {
      const unknown = await fx.postNote(participantId, staff.coordinator.token, aNote({ sessionId: randomUUID() }));
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors).toEqual([{ field: 'sessionId', message: expect.stringMatching(/no session/) }]);

      const elsewhere = await fx.registeredParticipant();
      const other = await fx.postNote(participantId, staff.coordinator.token, aNote({ sessionId: elsewhere.session.id }));
      expect(other.status).toBe(422);
      expect(other.body.type).toMatch(/session-not-registered$/);
    });

    it('refuses with 422 the session of a programme the participant is only waitlisted on', async () => {
      const waitlisted = await fx.registeredParticipant({ registeredOn: null });
      const res = await fx.postNote(waitlisted.participant.id, staff.coordinator.token, aNote({ sessionId: waitlisted.session.id }));
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/sessionId/);
    });

    it('accepts the session of a registration that took a place and was later withdrawn', async () => {
      const withdrawn = await fx.registeredParticipant();
      await t.db.query(
        `UPDATE registrations SET status = 'withdrawn', withdrawn_at = now(), withdrawal_effective_on = '2026-11-01', committed_pence = 0 WHERE id = $1`,
        [withdrawn.registration.id],
      );
      const res = await fx.postNote(withdrawn.participant.id, staff.coordinator.token, aNote({ sessionId: withdrawn.session.id }));
      expect(res.status).toBe(201);
    });
  });

  describe('idempotency (rule 8)', () => {
    it('answers a replay with the stored note, storing it once', async () => {
      const key = randomUUID();
      const body = aNote();
      const first = await fx.postNote(participantId, staff.formTool.token, body, key);
      const again = await fx.postNote(participantId, staff.formTool.token, body, key);
      expect(first.status).toBe(201);
      expect([200, 201]).toContain(again.status);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await fx.count('case_notes', 'id = $1', [first.body.id])).toBe(1);
      expect(await fx.count('case_notes', 'author_id = $1 AND occurred_at = $2', [staff.formTool.id, body.occurredAt])).toBe(1);
    });

    it('treats the same fields in another order as the same request', async () => {
      const key = randomUUID();
      const body = aNote();
      const first = await fx.postNote(participantId, staff.formTool.token, body, key);
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      const again = await fx.postNote(participantId, staff.formTool.token, reordered, key);
      expect(again.body.id).toBe(first.body.id);
    });

    it('refuses the same key with another body, participant or route with 409', async () => {
      const key = randomUUID();
      const body = aNote();
      const first = await fx.postNote(participantId, staff.formTool.token, body, key);
      expect(first.status).toBe(201);

      const otherBody = await fx.postNote(participantId, staff.formTool.token, { ...body, body: `${body.body} (edited)` }, key);
      expect(otherBody.status).toBe(409);
      expect(otherBody.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(otherBody.body.type).toMatch(/idempotency-key-reused$/);

      const otherChild = await fx.registeredParticipant();
      expect((await fx.postNote(otherChild.participant.id, staff.formTool.token, body, key)).status).toBe(409);
      expect((await fx.amend(first.body.id, staff.formTool.token, { body: 'x', reason: 'y' }, key)).status).toBe(409);
      expect(await fx.count('case_notes', 'author_id = $1 AND occurred_at = $2', [staff.formTool.id, body.occurredAt])).toBe(1);
    });

    it('scopes keys to the caller: another integration with the same key writes its own note', async () => {
      const key = randomUUID();
      const body = aNote();
      const mine = await fx.postNote(participantId, staff.formTool.token, body, key);
      const theirs = await fx.postNote(participantId, staff.otherFormTool.token, body, key);
      const user = await fx.postNote(participantId, staff.coordinator.token, body, key);
      expect(new Set([mine.body.id, theirs.body.id, user.body.id]).size).toBe(3);
      expect([mine.status, theirs.status, user.status]).toEqual([201, 201, 201]);
    });

    it('honours the key of a member of staff too', async () => {
      const key = randomUUID();
      const body = aNote();
      const first = await fx.postNote(participantId, staff.supportWorker.token, body, key);
      const again = await fx.postNote(participantId, staff.supportWorker.token, body, key);
      expect(again.body.id).toBe(first.body.id);
      expect((await fx.postNote(participantId, staff.supportWorker.token, aNote(), key)).status).toBe(409);
    });

    it('does not remember a refused request: the corrected one may reuse the key', async () => {
      const key = randomUUID();
      const refused = await fx.postNote(participantId, staff.formTool.token, aNote({ sessionId: randomUUID() }), key);
      expect(refused.status).toBe(422);
      expect(await fx.count('idempotency_keys', 'key = $1', [key])).toBe(0);
      const fixed = await fx.postNote(participantId, staff.formTool.token, aNote(), key);
      expect(fixed.status).toBe(201);
    });

    it('stores exactly one note for 20 concurrent requests with one key', async () => {
      const key = randomUUID();
      const body = aNote({ category: 'behaviour' });
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(`${t.baseUrl}/api/v1/participants/${participantId}/case-notes`, {
            method: 'POST',
            headers: { ...bearer(staff.formTool.token), 'Content-Type': 'application/json', 'Idempotency-Key': key },
            body: JSON.stringify(body),
          }).then(async (res) => ({ status: res.status, body: (await res.json()) as { id: string } })),
        ),
      );
      expect(responses.map((r) => r.status).every((s) => s === 200 || s === 201)).toBe(true);
      const ids = new Set(responses.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      const [id] = [...ids];
      expect(await fx.count('case_notes', 'author_id = $1 AND occurred_at = $2', [staff.formTool.id, body.occurredAt])).toBe(1);
      expect(await fx.count('case_note_versions', 'case_note_id = $1', [id])).toBe(1);
      expect(await fx.count('audit_events', "subject_id = $1 AND action = 'create'", [id])).toBe(1);
      expect(await fx.count('idempotency_keys', 'key = $1', [key])).toBe(1);
    });

    it('stores 20 notes for 20 concurrent requests with 20 keys', async () => {
      const occurredAt = minutesAgo(7);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => fx.postNote(participantId, staff.formTool.token, aNote({ occurredAt }), randomUUID())),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
      expect(await fx.count('case_notes', 'author_id = $1 AND occurred_at = $2', [staff.formTool.id, occurredAt])).toBe(20);
    });
  });

  describe('versions, never edits', () => {
    it('amends a note into a new version with a reason and lists every version', async () => {
      const note = await fx.note(participantId, staff.formTool.token, aNote({ body: 'Arrived late, upset about the bus' }));
      const res = await fx.amend(note.id, staff.coordinator.token, { body: 'Arrived 20 minutes late, upset about the bus', reason: 'Added how late' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: note.id, version: 2, body: 'Arrived 20 minutes late, upset about the bus', author: note.author });

      const byId = await fx.get(`/case-notes/${note.id}`, staff.coordinator.token);
      expect(byId.body).toMatchObject({ version: 2, body: 'Arrived 20 minutes late, upset about the bus' });

      const versions = await fx.get(`/case-notes/${note.id}/versions`, staff.coordinator.token);
      expect(versions.status).toBe(200);
      expect(versions.body.nextCursor).toBeNull();
      expect(versions.body.items).toEqual([
        expect.objectContaining({ version: 1, body: 'Arrived late, upset about the bus', reason: null, author: note.author }),
        expect.objectContaining({
          version: 2,
          body: 'Arrived 20 minutes late, upset about the bus',
          reason: 'Added how late',
          author: { kind: 'user', id: staff.coordinator.id, name: 'Sam Coordinator' },
        }),
      ]);
    });

    it('lets an integration amend the notes it posted, and replays an amendment sent twice', async () => {
      const note = await fx.note(participantId, staff.formTool.token);
      const key = randomUUID();
      const amendment = { body: 'Corrected text', reason: 'Typo', authorName: 'Priya' };
      const first = await fx.amend(note.id, staff.formTool.token, amendment, key);
      const again = await fx.amend(note.id, staff.formTool.token, amendment, key);
      expect(first.status).toBe(201);
      expect(first.body.version).toBe(2);
      expect(again.body).toEqual(first.body);
      expect(await fx.count('case_note_versions', 'case_note_id = $1', [note.id])).toBe(2);
    });

    it('gives concurrent amendments consecutive versions', async () => {
      const note = await fx.note(participantId, staff.coordinator.token);
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => fx.amend(note.id, staff.coordinator.token, { body: `Version ${i}`, reason: `Amendment ${i}` })),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
      expect(responses.map((r) => r.body.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const { rows } = await t.db.query('SELECT version FROM case_notes WHERE id = $1', [note.id]);
      expect(rows[0].version).toBe(11);
    });

    it('refuses an amendment without a reason, and one to an unknown note', async () => {
      const note = await fx.note(participantId, staff.coordinator.token);
      const noReason = await fx.amend(note.id, staff.coordinator.token, { body: 'New text' });
      expect(noReason.status).toBe(400);
      expect(new Set(noReason.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['reason']));
      expect((await fx.amend(randomUUID(), staff.coordinator.token, { body: 'x', reason: 'y' })).status).toBe(404);
      expect(await fx.count('case_note_versions', 'case_note_id = $1', [note.id])).toBe(1);
    });

    it('has no route that edits or deletes a note', async () => {
      const note = await fx.note(participantId, staff.coordinator.token);
      for (const method of ['put', 'patch', 'delete'] as const) {
        const res = await t.api()[method](`/api/v1/case-notes/${note.id}`).set(bearer(t.adminToken)).send({ body: 'rewritten' });
        expect(res.status).toBe(404);
      }
      expect((await fx.get(`/case-notes/${note.id}`, t.adminToken)).body.body).toBe(note.body);
    });

    it('has the database refuse to edit or delete a note or a version', async () => {
      const note = await fx.note(participantId, staff.coordinator.token);
      await expect(t.db.query(`UPDATE case_note_versions SET body = 'rewritten' WHERE case_note_id = $1`, [note.id])).rejects.toThrow(
        /never edited or deleted/,
      );
      await expect(t.db.query('DELETE FROM case_note_versions WHERE case_note_id = $1', [note.id])).rejects.toThrow(/never edited or deleted/);
      await expect(t.db.query(`UPDATE case_notes SET category = 'general' WHERE id = $1`, [note.id])).rejects.toThrow(/never edited/);
      await expect(t.db.query('DELETE FROM case_notes WHERE id = $1', [note.id])).rejects.toThrow(/never edited/);
      const { rows } = await t.db.query('SELECT body FROM case_note_versions WHERE case_note_id = $1', [note.id]);
      expect(rows).toEqual([{ body: note.body }]);
    });
  });

  describe('reading', () => {
    it("lists a participant's notes in pages, filtered by category", async () => {
      const child = await fx.registeredParticipant();
      const id = child.participant.id;
      for (const category of ['general', 'health', 'health', 'progress']) await fx.note(id, staff.coordinator.token, aNote({ category }));

      const all = await fx.get(`/participants/${id}/case-notes?limit=3`, staff.coordinator.token);
      expect(all.status).toBe(200);
      expect(all.body.items).toHaveLength(3);
      expect(all.body.nextCursor).toEqual(expect.any(String));
      const rest = await fx.get(`/participants/${id}/case-notes?limit=3&cursor=${all.body.nextCursor}`, staff.coordinator.token);
      expect(rest.body.items).toHaveLength(1);
      expect(rest.body.nextCursor).toBeNull();

      const health = await fx.get(`/participants/${id}/case-notes?category=health`, staff.coordinator.token);
      expect(health.body.items.map((n: { category: string }) => n.category)).toEqual(['health', 'health']);
      expect((await fx.get(`/participants/${id}/case-notes?category=`, staff.coordinator.token)).body.items).toHaveLength(4);
      expect((await fx.get(`/participants/${id}/case-notes?category=gossip`, staff.coordinator.token)).status).toBe(400);
      expect((await fx.get(`/participants/${randomUUID()}/case-notes`, staff.coordinator.token)).status).toBe(404);
    });

    it('answers 404 for an unknown note', async () => {
      expect((await fx.get(`/case-notes/${randomUUID()}`, staff.coordinator.token)).status).toBe(404);
      expect((await fx.get(`/case-notes/${randomUUID()}/versions`, staff.coordinator.token)).status).toBe(404);
    });
  });

  it('documents the routes, the Idempotency-Key header and the rate limit in the OpenAPI description', async () => {
    const doc = (await t.api().get('/api/docs-json')).body;
    const post = doc.paths['/api/v1/participants/{id}/case-notes'].post;
    expect(post.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '401', '403', '409', '422', '429']));
    for (const path of ['/api/v1/case-notes/{id}', '/api/v1/case-notes/{id}/amendments', '/api/v1/case-notes/{id}/versions', '/api/v1/audit-events', '/api/v1/participants/{id}/export', '/api/v1/participants/{id}/erase', '/api/v1/safeguarding-alerts']) {
      expect(doc.paths[path]).toBeDefined();
    }
  });
});
