import { Process } from '@nestjs/bull';
import type { Job, JobOptions, Queue } from 'bull';
import type { BILLING_QUEUE, BillingJobs } from '../billing/runs/billing-queue.js';
import type { COMMITMENTS_QUEUE, CommitmentsJobs } from '../billing/commitments/commitments-queue.js';
import type { COMPLIANCE_QUEUE, ComplianceJobs } from '../compliance/compliance-queue.js';
import type { DATA_PROTECTION_QUEUE, DataProtectionJobs } from '../data-protection/data-protection.queue.js';
import type { MAIL_QUEUE, MailJobs } from '../notifications/notifications.queue.js';
import type { SAFEGUARDING_ALERTS_QUEUE, SafeguardingAlertJobs } from '../safeguarding-alerts/safeguarding-alerts.queue.js';

/**
 * Every queue's jobs in one typed map: queue name → job name → payload (ids only: the database holds the
 * rest). A job is handled by a method decorated @OnJob(queue, name), whose argument is then typed
 * Job<JobOf<queue, name>>, and added by addJob(), whose payload is checked the same way; a job name that
 * is not in the map does not compile. (Immich's @OnJob with JobOf<Name>.)
 */
export interface JobMap {
  [BILLING_QUEUE]: BillingJobs;
  [COMMITMENTS_QUEUE]: CommitmentsJobs;
  [COMPLIANCE_QUEUE]: ComplianceJobs;
  [DATA_PROTECTION_QUEUE]: DataProtectionJobs;
  [SAFEGUARDING_ALERTS_QUEUE]: SafeguardingAlertJobs;
  [MAIL_QUEUE]: MailJobs;
}

export type QueueName = keyof JobMap;
export type JobName<Q extends QueueName> = keyof JobMap[Q] & string;
export type JobOf<Q extends QueueName, N extends JobName<Q>> = JobMap[Q][N];

type Handler<Q extends QueueName, N extends JobName<Q>> = (job: Job<JobOf<Q, N>>) => unknown;

/** Marks the handler of job `name` of `queue` (in a @Processor(queue) class); its argument is typed from the map. */
export function OnJob<Q extends QueueName, N extends JobName<Q>>(_queue: Q, name: N, options: { concurrency?: number } = {}) {
  return <H extends Handler<Q, N>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<H>): void => {
    Process({ name, ...options })(target, key, descriptor);
  };
}

/** Adds job `name` of `queue` with a payload typed from the map. */
export function addJob<Q extends QueueName, N extends JobName<Q>>(
  queue: Queue,
  _queue: Q,
  name: N,
  data: JobOf<Q, N>,
  options?: JobOptions,
): Promise<Job<JobOf<Q, N>>> {
  return queue.add(name, data, options);
}
