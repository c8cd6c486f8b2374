/** The queue that sends email notifications, and its jobs (payloads carry ids only). */
export const MAIL_QUEUE = 'mail';

export interface MailJobs {
  /** One send of one notification for its dispatch generation; a job of an older generation does nothing. */
  send: { notificationId: string; generation: number };
}

/** The Bull job of a notification's dispatch generation: deterministic, so adding it twice adds one job. */
export const notificationJobId = (id: string, generation: number) => (generation === 0 ? `mail-${id}` : `mail-${id}-${generation}`);
