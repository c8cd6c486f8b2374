/** Housekeeping that keeps personal data no longer than needed. Jobs carry no data. */
export const DATA_PROTECTION_QUEUE = 'data-protection';

export interface DataProtectionJobs {
  /** Repeatable (every IDEMPOTENCY_PRUNE_INTERVAL_MINUTES): forgets idempotency keys past their TTL. */
  'prune-idempotency-keys': Record<string, never>;
  /** Repeatable (daily, 03:00 Europe/London): anonymises participants inactive for RETENTION_YEARS. */
  'erase-inactive-participants': Record<string, never>;
}
