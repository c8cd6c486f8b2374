import { LONDON } from '../common/london-calendar.js';

/** The queue of the daily compliance expiry reminders. */
export const COMPLIANCE_QUEUE = 'compliance';

/** Job names and their payloads (src/queue/jobs.ts maps the queue to these). */
export interface ComplianceJobs {
  /** Repeatable (daily, 06:00 Europe/London): raises the expiry reminders due that day, each once. */
  'raise-expiry-reminders': Record<string, never>;
}

export const RAISE_REMINDERS_JOB = 'raise-expiry-reminders' satisfies keyof ComplianceJobs;

/** 06:00 Europe/London every day. */
export const REMINDER_SCHEDULE = { cron: '0 6 * * *', tz: LONDON } as const;
