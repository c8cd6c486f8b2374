import { randomUUID } from 'node:crypto';
import { type Body, factories, unique } from '../factories.js';
import { bearer, type TestApp } from '../support/test-app.js';

export const NOTE_CATEGORIES = ['general', 'progress', 'behaviour', 'health', 'safeguarding', 'achievement'] as const;

/** An instant `minutes` ago, as an integration would send it. */
export const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** A case note body as a support worker's form tool would send it. */
export const aNote = (overrides: Body = {}): Body => ({
  category: 'progress',
  body: `Worked with clay for an hour and showed the group (${unique('note')})`,
  occurredAt: minutesAgo(30),
  ...overrides,
});

export type Staff = Awaited<ReturnType<ReturnType<typeof caseNoteFixtures>['staff']>>;

/** Builders for the case-note tests, on top of test/factories.ts. */
export function caseNoteFixtures(t: TestApp) {
  const f = factories(t);

  /** POST /participants/:id/case-notes; `key` sets Idempotency-Key. Returns the raw response. */
  function postNote(participantId: string, token: string, body: Body = aNote(), key?: string) {
    const req = t.api().post(`/api/v1/participants/${participantId}/case-notes`).set(bearer(token));
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body);
  }

  /** A note that must be created: returns its body. */
  async function note(participantId: string, token: string, body: Body = aNote(), key: string | undefined = randomUUID()) {
    const res = await postNote(participantId, token, body, key);
    if (res.status !== 201) throw new Error(`POST case note answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as Body & { id: string; version: number; body: string };
  }

  function amend(noteId: string, token: string, body: Body, key?: string) {
    const req = t.api().post(`/api/v1/case-notes/${noteId}/amendments`).set(bearer(token));
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body);
  }

  const get = (path: string, token: string) => t.api().get(`/api/v1${path}`).set(bearer(token));

  /** One user of each role and integration keys with each scope. */
  async function staff() {
    const [coordinator, supportWorker, finance, safeguardingLead, formTool, otherFormTool, directory, registerApp] = await Promise.all([
      f.user('coordinator', { name: 'Sam Coordinator' }),
      f.user('support_worker', { name: 'Priya Support' }),
      f.user('finance', { name: 'Fin Ance' }),
      f.user('safeguarding_lead', { name: 'Dee Safeguarding' }),
      f.integration(['case-notes:write'], { name: 'Form tool' }),
      f.integration(['case-notes:write'], { name: 'Phone app' }),
      f.integration(['participants:read'], { name: 'Directory' }),
      f.integration(['attendance:write'], { name: 'Register app' }),
    ]);
    return {
      admin: { token: t.adminToken },
      coordinator,
      supportWorker,
      finance,
      safeguardingLead,
      formTool: { ...formTool, token: formTool.apiKey },
      otherFormTool: { ...otherFormTool, token: otherFormTool.apiKey },
      directory: { ...directory, token: directory.apiKey },
      registerApp: { ...registerApp, token: registerApp.apiKey },
    };
  }

  /**
   * A programme with a session in Autumn 2026 and a participant registered on it. The registration is
   * written straight into the table because the registrations API is being built on another branch:
   * swap this one helper for POST /registrations when it lands.
   */
  async function registeredParticipant(options: { registeredOn?: string | null; participant?: Body } = {}) {
    const commissioner = await f.commissioner();
    const programme = await f.programme();
    const term = await existingOrNewTerm();
    const session = await f.session(programme.id, { date: unusedSaturday() });
    const contract = await f.contract(commissioner.id, [programme.id]);
    const participant = await f.participant({ medicalNotes: 'Epilepsy: rescue medication in the blue bag', ...options.participant });
    const budget = await f.budget(participant.id, commissioner.id, {
      type: 'direct_payment',
      holderName: 'Alex Smith',
      holderEmail: 'alex.smith@example.org',
    });
    const registration = await registerDirectly({
      participantId: participant.id,
      programmeId: programme.id,
      termId: term.id,
      budgetId: budget.id,
      contractId: contract.id,
      registeredOn: options.registeredOn === undefined ? '2026-09-01' : options.registeredOn,
    });
    return { commissioner, programme, term, session, contract, participant, budget, registration };
  }

  /** The one place that creates registrations (see registeredParticipant). */
  async function registerDirectly(r: {
    participantId: string;
    programmeId: string;
    termId: string;
    budgetId: string;
    contractId: string;
    registeredOn: string | null;
    pricePence?: number;
  }): Promise<{ id: string }> {
    const price = r.pricePence ?? 45000;
    await t.db.query(
      `INSERT INTO programme_terms (programme_id, term_id, places) VALUES ($1, $2, 12) ON CONFLICT DO NOTHING`,
      [r.programmeId, r.termId],
    );
    const registered = r.registeredOn !== null;
    const {
      rows: [row],
    } = await t.db.query(
      `INSERT INTO registrations (participant_id, programme_id, term_id, budget_id, contract_id, status, price_pence, registered_on, committed_pence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [r.participantId, r.programmeId, r.termId, r.budgetId, r.contractId, registered ? 'registered' : 'waitlisted', price, r.registeredOn, registered ? price : 0],
    );
    if (registered) await t.db.query('UPDATE personal_budgets SET committed_pence = committed_pence + $2 WHERE id = $1', [r.budgetId, price]);
    return row;
  }

  let term: { id: string } | undefined;
  async function existingOrNewTerm() {
    term ??= await f.term();
    return term;
  }

  let saturday = 0;
  /** Each call gives another date inside Autumn 2026, so sessions of one programme never clash. */
  function unusedSaturday(): string {
    const day = new Date(Date.UTC(2026, 8, 5 + 7 * (saturday++ % 15)));
    return day.toISOString().slice(0, 10);
  }

  async function count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
    return rows[0].n;
  }

  return { ...f, postNote, note, amend, get, staff, registeredParticipant, registerDirectly, count };
}
