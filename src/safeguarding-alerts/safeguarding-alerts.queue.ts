/** The queue that delivers safeguarding alerts, and its jobs (payloads carry ids only). */
export const SAFEGUARDING_ALERTS_QUEUE = 'safeguarding-alerts';

export interface SafeguardingAlertJobs {
  /**
   * One delivery of one alert for its dispatch generation, retried with exponential backoff; a job of an
   * older generation than the alert's is ignored (jobs added before generations were carried have none).
   */
  deliver: { alertId: string; generation?: number };
}

/** Retired: the outbox sweeper took over; removed from Redis where an older version registered it. */
export const RETIRED_JOBS = ['dispatch-pending'] as const;

/** The Bull job of an alert's dispatch generation: deterministic, so adding it twice adds one job. */
export const alertJobId = (alertId: string, generation = 0) => (generation === 0 ? `alert-${alertId}` : `alert-${alertId}-${generation}`);
