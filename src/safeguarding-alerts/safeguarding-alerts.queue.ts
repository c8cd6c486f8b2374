/** The queue that delivers safeguarding alerts, and its jobs (payloads carry ids only). */
export const SAFEGUARDING_ALERTS_QUEUE = 'safeguarding-alerts';

export interface SafeguardingAlertJobs {
  /** One delivery of one alert, retried with exponential backoff. */
  deliver: { alertId: string };
  /** Repeatable: queues alerts whose enqueue after commit failed (Redis was down). */
  'dispatch-pending': Record<string, never>;
}

export const alertJobId = (alertId: string) => `alert-${alertId}`;
