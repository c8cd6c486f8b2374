/**
 * Erasure (UK GDPR art. 17) of a child's record: personal and health data are anonymised; financial
 * records stay (registrations, amounts, budget references and money documents are kept six years for
 * the council's audit). ERASURE_PLAN is the whole list of the columns anonymised; besides them, erasure
 * withdraws the child's waitlisted registrations (ERASURE_WITHDRAWAL_REASON; they hold no money and no
 * place) so that none is ever promoted — src/registrations/registration.repository.ts.
 *
 * Consents keep their purpose, answer and dates (what applied when stays provable, and the attendance
 * rule of off-site sessions reads them); who gave them (given_by, a guardian's name) is erased.
 *
 * Besides them, erasure anonymises the notifications about the child (eraseNotificationsOf,
 * src/notifications/notification.repository.ts: recipient, subject and data; a queued one is failed).
 *
 * Besides them, erasure deletes the child's council client ids (participant_council_ids); issued
 * documents keep their own snapshot of them (document_lines.council_ids, billing_ledger.council_id).
 *
 * Free text checked and left alone, with why: audit_events.detail (fixed words, and the erasure's own
 * reason, given by an administrator for the record; the table is append-only); case_notes.author_name and
 * users (staff, not the child); safeguarding_alerts.last_error (the receiver's answer; alerts never carry
 * a note body); idempotency_keys.request_hash (a SHA-256, not the text); documents' recipient name, email,
 * address and credit-note reason, document lines and payments (money documents, kept six years and
 * immutable); billing_runs.error (a failure's message); consents.recorded_by (a staff user's id or
 * "participant record"); sessions.cancellation_reason (about the session, not a child).
 *
 * ERASED_TEXT is also written into the triggers of migration 1764190000000-CaseNotes: erasure is the
 * only change a case note version may undergo.
 */
export const ERASED_TEXT = '[erased]';

/** What happens to one column. */
export type Erasure =
  | 'placeholder' // replaced by ERASED_TEXT
  | 'placeholder-if-present' // replaced by ERASED_TEXT unless NULL (a direct payment must still name a holder)
  | 'null'
  | 'empty-list'
  | 'false'
  | 'year-of-birth'; // a date of birth keeps only its year (1 January): enough for age-band statistics

export const ERASURE_PLAN = {
  participants: {
    first_name: 'placeholder',
    last_name: 'placeholder',
    date_of_birth: 'year-of-birth',
    guardians: 'empty-list',
    emergency_contacts: 'empty-list',
    needs: 'null',
    medical_notes: 'null',
    photo_consent: 'false',
    // equality monitoring (migration 1764460000001)
    gender: 'null',
    ethnicity: 'null',
    disability_categories: 'null',
    postcode_district: 'null',
  },
  personal_budgets: { holder_name: 'placeholder-if-present', holder_email: 'placeholder-if-present', holder_address: 'null' },
  case_notes: { reported_author_name: 'null' },
  case_note_versions: { body: 'placeholder', reason: 'placeholder-if-present', reported_author_name: 'null' },
  attendance: { note: 'null' },
  // why a registration was withdrawn is free text about the child ("hospital admission")
  registrations: { withdrawal_reason: 'placeholder-if-present' },
  // who a referral named before the participant existed, and what was said about them
  referrals: {
    child_first_name: 'placeholder-if-present',
    child_last_name: 'placeholder-if-present',
    notes: 'placeholder-if-present',
    reason: 'placeholder-if-present',
  },
  // what an outcome says about the child (kind, level, status and dates stay: counted in monitoring returns)
  outcomes: { description: 'placeholder-if-present' },
  // a guardian's name ("Alex Smith (mother)"); the column is NOT NULL
  consents: { given_by: 'placeholder' },
} as const satisfies Record<string, Record<string, Erasure>>;

/** The reason given to a waitlisted registration withdrawn by erasure (written also by migration 1764320000000). */
export const ERASURE_WITHDRAWAL_REASON = 'Withdrawn because the participant record was erased';

export type ErasedTable = keyof typeof ERASURE_PLAN;

/** The erased form of one value (the SQL of erasedSql() does the same in the database). */
export function erasedValue(value: unknown, erasure: Erasure): unknown {
  switch (erasure) {
    case 'placeholder':
      return ERASED_TEXT;
    case 'placeholder-if-present':
      return value === null || value === undefined ? null : ERASED_TEXT;
    case 'null':
      return null;
    case 'empty-list':
      return [];
    case 'false':
      return false;
    case 'year-of-birth':
      return `${String(value).slice(0, 4)}-01-01`;
  }
}

/** The SQL expression that erases `column`. */
export function erasedSql(column: string, erasure: Erasure): string {
  const text = `'${ERASED_TEXT}'`;
  switch (erasure) {
    case 'placeholder':
      return text;
    case 'placeholder-if-present':
      return `CASE WHEN ${column} IS NULL THEN NULL ELSE ${text} END`;
    case 'null':
      return 'NULL';
    case 'empty-list':
      return `'[]'::jsonb`;
    case 'false':
      return 'false';
    case 'year-of-birth':
      return `date_trunc('year', ${column})::date`;
  }
}

/** `column = expression, ...` for an UPDATE of `table` that applies the plan. */
export function erasureSetClause(table: ErasedTable): string {
  return Object.entries(ERASURE_PLAN[table] as Record<string, Erasure>)
    .map(([column, erasure]) => `${column} = ${erasedSql(column, erasure)}`)
    .join(', ');
}

/** Applies the plan to one row held in memory (used to describe an erased record, and by the specs). */
export function eraseRow<T extends Record<string, unknown>>(table: ErasedTable, row: T): T {
  const erased: Record<string, unknown> = { ...row };
  for (const [column, erasure] of Object.entries(ERASURE_PLAN[table] as Record<string, Erasure>)) {
    if (column in erased) erased[column] = erasedValue(erased[column], erasure);
  }
  return erased as T;
}
