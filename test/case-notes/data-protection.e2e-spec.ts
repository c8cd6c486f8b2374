import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { DataProtectionService } from '../../src/data-protection/data-protection.service.js';
import { DataProtectionProcessor } from '../../src/data-protection/data-protection.processor.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { aNote, caseNoteFixtures, type Staff } from './fixtures.js';

/** Tables erasure may change; every other table (money documents included, when they exist) must stay identical. */
const ERASABLE = ['participants', 'registrations', 'personal_budgets', 'case_notes', 'case_note_versions', 'attendance', 'idempotency_keys', 'audit_events', 'consents'];

/**
 * Data protection for children's records: subject access export, erasure that keeps the financial
 * records, the retention job and the pruning of idempotency keys.
 */
describe('data protection', () => {
  let t: TestApp;
  let fx: ReturnType<typeof caseNoteFixtures>;
  let staff: Staff;

  beforeAll(async () => {
    t = await createTestApp();
    fx = caseNoteFixtures(t);
    staff = await fx.staff();
  });
  afterAll(() => t?.close());

  /** A child with everything: budget, registration, attendance, consents given by a guardian, notes of every kind with versions. */
  async function aChildWithHistory() {
    const world = await fx.registeredParticipant({
      participant: {
        firstName: 'Jamie',
        lastName: 'Smith',
        needs: 'Ear defenders in loud rooms',
        emergencyContacts: [{ name: 'Sam Smith', phone: '07700 900456' }],
        photoConsent: true,
      },
    });
    const id = world.participant.id;
    await t.db.query(
      `INSERT INTO attendance (session_id, participant_id, status, note, recorded_by) VALUES ($1, $2, 'present', 'Quiet today, sat near the door', 'integration:x')`,
      [world.session.id, id],
    );
    const consent = await t
      .api()
      .post(`/api/v1/participants/${id}/consents`)
      .set(bearer(staff.coordinator.token))
      .send({ purpose: 'off_site_trips', given: true, givenBy: 'Sam Smith (father)', recordedOn: '2026-09-01' });
    expect(consent.status).toBe(201);
    const progress = await fx.note(id, staff.formTool.token, aNote({ body: 'Finished the clay owl', authorName: 'Priya' }));
    await fx.amend(progress.id, staff.formTool.token, { body: 'Finished the clay owl and glazed it', reason: 'Jamie asked me to add the glaze' });
    const safeguarding = await fx.note(id, staff.coordinator.token, aNote({ category: 'safeguarding', body: 'Jamie said dad shouts at night' }));
    return { ...world, progress, safeguarding };
  }

  /** A fingerprint of every table that erasure must not touch. */
  async function untouchableTables(): Promise<Record<string, string>> {
    const { rows } = await t.db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND NOT (table_name = ANY($1))`,
      [ERASABLE],
    );
    const fingerprints: Record<string, string> = {};
    for (const { table_name: table } of rows) {
      const { rows: [row] } = await t.db.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${table} t`);
      fingerprints[table] = row.h;
    }
    return fingerprints;
  }

  describe('export (subject access)', () => {
    it('holds everything about the child, every note with every version, and the access log including itself', async () => {
      const child = await aChildWithHistory();
      await fx.get(`/case-notes/${child.progress.id}`, staff.coordinator.token);
      const res = await fx.get(`/participants/${child.participant.id}/export`, staff.safeguardingLead.token);
      expect(res.status).toBe(200);
      const doc = res.body;
      expect(doc.participant).toMatchObject({
        id: child.participant.id,
        firstName: 'Jamie',
        medicalNotes: 'Epilepsy: rescue medication in the blue bag',
        needs: 'Ear defenders in loud rooms',
      });
      expect(doc.budgets).toEqual([expect.objectContaining({ id: child.budget.id, reference: child.budget.reference, holderName: 'Alex Smith' })]);
      expect(doc.registrations).toEqual([
        expect.objectContaining({ id: child.registration.id, programmeId: child.programme.id, status: 'registered', pricePence: 45000, registeredOn: '2026-09-01' }),
      ]);
      expect(doc.attendance).toEqual([
        expect.objectContaining({ sessionId: child.session.id, status: 'present', note: 'Quiet today, sat near the door' }),
      ]);
      // the photography consent made from photoConsent: true, then the one a guardian gave
      expect(doc.consents).toEqual([
        expect.objectContaining({ purpose: 'photography', given: true, givenBy: 'participant record' }),
        expect.objectContaining({ purpose: 'off_site_trips', given: true, givenBy: 'Sam Smith (father)', recordedOn: '2026-09-01', expiresOn: null }),
      ]);
      expect(doc.participant.photoConsent).toBe(true);
      expect(doc.caseNotes.map((n: { id: string; category: string; versions: unknown[] }) => [n.id, n.category, n.versions.length])).toEqual([
        [child.progress.id, 'progress', 2],
        [child.safeguarding.id, 'safeguarding', 1],
      ]);
      expect(doc.caseNotes[0].versions.map((v: { body: string }) => v.body)).toEqual(['Finished the clay owl', 'Finished the clay owl and glazed it']);
      const actions = doc.auditEvents.map((e: { action: string; subjectId: string }) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['create', 'amend', 'read', 'export']));
      expect(doc.auditEvents.at(-1)).toMatchObject({ action: 'export', subjectType: 'participant', actor: { id: staff.safeguardingLead.id } });
      expect(doc.exportedAt).toEqual(expect.any(String));
    });

    it('is recorded in the audit trail, and answers 404 for an unknown child', async () => {
      const child = await fx.participant();
      await fx.get(`/participants/${child.id}/export`, t.adminToken);
      expect(await fx.count('audit_events', "subject_id = $1 AND action = 'export'", [child.id])).toBe(1);
      expect((await fx.get(`/participants/${randomUUID()}/export`, t.adminToken)).status).toBe(404);
    });
  });

  describe('erasure', () => {
    function erase(participantId: string, token = t.adminToken, body: object = { reason: 'Right-to-erasure request from the family' }) {
      return t.api().post(`/api/v1/participants/${participantId}/erase`).set(bearer(token)).send(body);
    }

    it('is for admins only and needs a reason', async () => {
      const child = await fx.participant();
      for (const token of [staff.coordinator.token, staff.safeguardingLead.token, staff.supportWorker.token, staff.finance.token, staff.formTool.token]) {
        expect((await erase(child.id, token)).status).toBe(403);
      }
      expect((await erase(child.id, t.adminToken, {})).status).toBe(400);
      expect((await erase(child.id, t.adminToken, { reason: '' })).status).toBe(400);
      expect((await erase(randomUUID())).status).toBe(404);
      const { rows } = await t.db.query('SELECT erased_at FROM participants WHERE id = $1', [child.id]);
      expect(rows[0].erased_at).toBeNull();
    });

    it('anonymises personal data and every note body, and keeps the financial records', async () => {
      const child = await aChildWithHistory();
      const id = child.participant.id;
      const replayKey = randomUUID();
      const replayBody = aNote({ body: 'Talked about the trip' });
      await fx.postNote(id, staff.formTool.token, replayBody, replayKey);
      const budgetsBefore = await t.db.query('SELECT * FROM personal_budgets WHERE participant_id = $1', [id]);
      const registrationsBefore = await t.db.query('SELECT * FROM registrations WHERE participant_id = $1', [id]);
      const untouchedBefore = await untouchableTables();

      const res = await erase(id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        participantId: id,
        erasedAt: expect.any(String),
        alreadyErased: false,
        anonymised: { budgets: 1, caseNotes: 3, caseNoteVersions: 4, attendanceRecords: 1 },
      });

      const { rows: [p] } = await t.db.query('SELECT * FROM participants WHERE id = $1', [id]);
      expect(p).toMatchObject({
        first_name: '[erased]',
        last_name: '[erased]',
        date_of_birth: `${String(child.participant.dateOfBirth).slice(0, 4)}-01-01`,
        guardians: [],
        emergency_contacts: [],
        needs: null,
        medical_notes: null,
        photo_consent: false,
      });
      expect(p.erased_at).toBeInstanceOf(Date);

      const { rows: versions } = await t.db.query(
        `SELECT v.body, v.reason, v.reported_author_name, v.version FROM case_note_versions v JOIN case_notes n ON n.id = v.case_note_id
          WHERE n.participant_id = $1`,
        [id],
      );
      expect(versions).toHaveLength(4);
      for (const v of versions) {
        expect(v.body).toBe('[erased]');
        expect(v.reported_author_name).toBeNull();
        expect(v.reason).toBe(v.version === 1 ? null : '[erased]');
      }
      expect(await fx.count('case_notes', 'participant_id = $1 AND reported_author_name IS NOT NULL', [id])).toBe(0);
      const { rows: [attendance] } = await t.db.query('SELECT status, note FROM attendance WHERE participant_id = $1', [id]);
      expect(attendance).toEqual({ status: 'present', note: null });
      // consents keep purpose, answer and dates; who gave them is erased (photoConsent false recorded a refusal)
      const { rows: consents } = await t.db.query('SELECT purpose, given, given_by, recorded_on::text FROM consents WHERE participant_id = $1 ORDER BY id', [id]);
      expect(consents).toEqual([
        { purpose: 'photography', given: true, given_by: '[erased]', recorded_on: expect.any(String) },
        { purpose: 'off_site_trips', given: true, given_by: '[erased]', recorded_on: '2026-09-01' },
        { purpose: 'photography', given: false, given_by: '[erased]', recorded_on: expect.any(String) },
      ]);
      const exported = await fx.get(`/participants/${id}/export`, t.adminToken);
      expect(exported.body.consents.map((c: { givenBy: string }) => c.givenBy)).toEqual(['[erased]', '[erased]', '[erased]']);
      expect(exported.body.participant.photoConsent).toBe(false);
      const lateConsent = await t
        .api()
        .post(`/api/v1/participants/${id}/consents`)
        .set(bearer(staff.coordinator.token))
        .send({ purpose: 'photography', given: true, givenBy: 'Sam Smith (father)', recordedOn: '2026-09-02' });
      expect(lateConsent.status).toBe(422);
      expect(lateConsent.body.type).toMatch(/participant-erased$/);

      // Financial records: budgets keep everything but the holder's name and email; registrations are untouched.
      const budgetsAfter = await t.db.query('SELECT * FROM personal_budgets WHERE participant_id = $1', [id]);
      expect(budgetsAfter.rows).toEqual(budgetsBefore.rows.map((b) => ({ ...b, holder_name: '[erased]', holder_email: '[erased]' })));
      expect(budgetsAfter.rows[0]).toMatchObject({ amount_pence: 200000, committed_pence: 45000, reference: child.budget.reference });
      expect((await t.db.query('SELECT * FROM registrations WHERE participant_id = $1', [id])).rows).toEqual(registrationsBefore.rows);
      expect(await untouchableTables()).toEqual(untouchedBefore);

      // Through the API: the record reads as erased, replays answer the erased note, nothing new may be added.
      const shown = await fx.get(`/participants/${id}`, staff.coordinator.token);
      expect(shown.body).toMatchObject({ firstName: '[erased]', guardians: [], medicalNotes: null, erasedAt: expect.any(String) });
      const note = await fx.get(`/case-notes/${child.safeguarding.id}`, staff.coordinator.token);
      expect(note.body.body).toBe('[erased]');
      const replay = await fx.postNote(id, staff.formTool.token, replayBody, replayKey);
      expect(replay.body.body).toBe('[erased]');
      const added = await fx.postNote(id, staff.formTool.token, aNote(), randomUUID());
      expect(added.status).toBe(422);
      expect(added.body.type).toMatch(/participant-erased$/);
      expect((await fx.amend(child.progress.id, staff.formTool.token, { body: 'Again', reason: 'x' })).status).toBe(422);
      expect((await t.api().patch(`/api/v1/participants/${id}`).set(bearer(staff.coordinator.token)).send({ firstName: 'Jamie' })).status).toBe(422);
      const newBudget = await t
        .api()
        .post(`/api/v1/participants/${id}/budgets`)
        .set(bearer(staff.coordinator.token))
        .send({
          type: 'direct_payment', commissionerId: budgetsBefore.rows[0].commissioner_id, reference: `PB-AFTER-${randomUUID()}`,
          amountPence: 1000, validFrom: '2026-01-01', validTo: '2026-12-31', holderName: 'Alex Smith', holderEmail: 'alex@example.org',
        });
      expect(newBudget.status).toBe(422);
      expect(newBudget.body.type).toMatch(/participant-erased$/);

      const [event] = (await fx.get(`/audit-events?subjectId=${id}&action=erase`, t.adminToken)).body.items;
      expect(event).toMatchObject({ actor: { kind: 'user', name: expect.any(String) }, subjectType: 'participant', detail: 'Right-to-erasure request from the family' });
    });

    it('is idempotent: erasing again changes nothing and records nothing', async () => {
      const child = await aChildWithHistory();
      const first = await erase(child.participant.id);
      const second = await erase(child.participant.id);
      expect(second.status).toBe(200);
      expect(second.body).toEqual({
        participantId: child.participant.id,
        erasedAt: first.body.erasedAt,
        alreadyErased: true,
        anonymised: { budgets: 0, caseNotes: 0, caseNoteVersions: 0, attendanceRecords: 0 },
      });
      expect(await fx.count('audit_events', "subject_id = $1 AND action = 'erase'", [child.participant.id])).toBe(1);
    });

    it('serialises with concurrent note writing: no note body survives an erasure', async () => {
      const child = await fx.registeredParticipant();
      const id = child.participant.id;
      const writes = Array.from({ length: 10 }, () => fx.postNote(id, staff.formTool.token, aNote({ body: 'Racing note' }), randomUUID()));
      const [erased, ...notes] = await Promise.all([erase(id), ...writes]);
      expect(erased.status).toBe(200);
      for (const n of notes) expect([201, 422]).toContain(n.status);
      expect(await fx.count('case_note_versions v JOIN case_notes n ON n.id = v.case_note_id', "n.participant_id = $1 AND v.body <> '[erased]'", [id])).toBe(0);
    });
  });

  describe('retention job', () => {
    it('anonymises participants with no activity for RETENTION_YEARS, and only them', async () => {
      const stale = await fx.participant({ medicalNotes: 'Old notes' });
      const note = await fx.note(stale.id, staff.coordinator.token, aNote({ occurredAt: '2018-05-01T10:00:00Z' }));
      await t.db.query(`UPDATE participants SET created_at = '2018-01-01', updated_at = '2018-01-01' WHERE id = $1`, [stale.id]);
      await t.db.query('ALTER TABLE case_notes DISABLE TRIGGER case_notes_never_edited');
      await t.db.query(`UPDATE case_notes SET created_at = '2018-05-01', updated_at = '2018-05-01' WHERE id = $1`, [note.id]);
      await t.db.query('ALTER TABLE case_notes ENABLE TRIGGER case_notes_never_edited');
      const recent = await fx.participant({ medicalNotes: 'Current notes' });
      await t.db.query(`UPDATE participants SET created_at = '2018-01-01', updated_at = '2018-01-01' WHERE id = $1`, [recent.id]);
      await fx.note(recent.id, staff.coordinator.token, aNote({ occurredAt: '2026-01-10T10:00:00Z' }));

      const erased = await t.app.get(DataProtectionService).eraseInactive('2026-11-26');
      expect(erased).toContain(stale.id);
      expect(erased).not.toContain(recent.id);

      const { rows } = await t.db.query('SELECT id, first_name, medical_notes, erased_at FROM participants WHERE id = ANY($1) ORDER BY id', [[stale.id, recent.id]]);
      expect(rows.find((r) => r.id === stale.id)).toMatchObject({ first_name: '[erased]', medical_notes: null, erased_at: expect.any(Date) });
      expect(rows.find((r) => r.id === recent.id)).toMatchObject({ first_name: 'Jamie', medical_notes: 'Current notes', erased_at: null });
      const [event] = (await fx.get(`/audit-events?subjectId=${stale.id}&action=erase`, t.adminToken)).body.items;
      expect(event).toMatchObject({ actor: { kind: 'system', id: null, name: 'retention job' }, detail: expect.stringMatching(/RETENTION_YEARS=6/) });
    });

    it('runs daily at 03:00 Europe/London, scheduled once however many workers start, and runs through Bull', async () => {
      const queue = t.app.get<Queue>(getQueueToken('data-protection'));
      await t.app.get(DataProtectionProcessor).onApplicationBootstrap(); // a second worker starting
      const schedules = await queue.getRepeatableJobs();
      expect(schedules.filter((s) => s.name === 'erase-inactive-participants')).toEqual([
        expect.objectContaining({ cron: '0 3 * * *', tz: 'Europe/London' }),
      ]);
      expect(schedules.filter((s) => s.name === 'prune-idempotency-keys')).toEqual([expect.objectContaining({ every: 3_600_000 })]);
      const job = await queue.add('erase-inactive-participants', {});
      await expect(job.finished()).resolves.toEqual(expect.any(Number));
    });
  });

  describe('idempotency keys', () => {
    it('are kept 24 hours, then pruned by the repeatable job', async () => {
      const child = await fx.participant();
      const oldKey = randomUUID();
      const freshKey = randomUUID();
      await fx.note(child.id, staff.formTool.token, aNote(), oldKey);
      await fx.note(child.id, staff.formTool.token, aNote(), freshKey);
      await t.db.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [oldKey]);
      await t.db.query(`UPDATE idempotency_keys SET created_at = now() - interval '23 hours' WHERE key = $1`, [freshKey]);

      const queue = t.app.get<Queue>(getQueueToken('data-protection'));
      const job = await queue.add('prune-idempotency-keys', {});
      expect(await job.finished()).toBeGreaterThanOrEqual(1);
      expect(await fx.count('idempotency_keys', 'key = $1', [oldKey])).toBe(0);
      expect(await fx.count('idempotency_keys', 'key = $1', [freshKey])).toBe(1);
    });
  });
});
