/**
 * Retention: a participant with no activity for RETENTION_YEARS (6 by default: the period financial
 * records are kept) is anonymised by a daily job.
 */

/** The London date `years` years before `today` (29 February falls back to 28 February). */
export function retentionCutoff(today: string, years: number): string {
  const [y, m, d] = today.split('-').map(Number);
  const year = y - years;
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

const london = (column: string) => `(${column} AT TIME ZONE 'Europe/London')::date`;

/**
 * The London date of the last thing that happened with participant `p`: the record itself, a
 * registration (and the end of its term), attendance, a case note (and its amendments), a budget (and
 * the end of its validity).
 */
export const LAST_ACTIVITY_SQL = `GREATEST(
    ${london('p.created_at')}, ${london('p.updated_at')},
    (SELECT max(GREATEST(${london('r.updated_at')}, t.ends_on)) FROM registrations r JOIN terms t ON t.id = r.term_id
      WHERE r.participant_id = p.id),
    (SELECT max(${london('a.recorded_at')}) FROM attendance a WHERE a.participant_id = p.id),
    (SELECT max(GREATEST(${london('n.occurred_at')}, ${london('n.updated_at')})) FROM case_notes n WHERE n.participant_id = p.id),
    (SELECT max(GREATEST(b.valid_to, ${london('b.updated_at')})) FROM personal_budgets b WHERE b.participant_id = p.id))`;

/** The time of day (Europe/London) the retention job runs. */
export const RETENTION_SCHEDULE = { cron: '0 3 * * *', tz: 'Europe/London' } as const;
