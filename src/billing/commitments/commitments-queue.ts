import { LONDON } from '../../common/london-calendar.js';

/** The queue of the daily settlement of ended terms' commitments (rule 12). */
export const COMMITMENTS_QUEUE = 'commitments';

/** Job names and their payloads. */
export interface CommitmentsJobs {
  'settle-ended-terms': Record<string, never>;
}

/** 03:30 Europe/London every day. */
export const SETTLEMENT_SCHEDULE = { cron: '30 3 * * *', tz: LONDON } as const;
