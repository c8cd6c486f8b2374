import type { Queue } from 'bull';

/**
 * Whether a Bull job will still run, as an outbox needs to know it:
 * - `live`: waiting, delayed (a retry's backoff) or paused, or active under a worker's lock;
 * - `missing`: not in Redis (never added, or Redis lost it: a flush, a restart without persistence);
 * - `orphaned`: active but nobody holds its lock (its worker died; Bull's stalled check may still move it
 *   back to wait if a worker runs, but nothing is sure to);
 * - `finished`: completed or failed for good (attempts used up, or stalled more than allowed).
 */
export type JobLiveness = 'live' | 'missing' | 'orphaned' | 'finished';

export async function jobLiveness(queue: Queue, jobId: string): Promise<JobLiveness> {
  const job = await queue.getJob(jobId);
  if (!job) return 'missing';
  const state = await job.getState();
  switch (state) {
    case 'waiting':
    case 'delayed':
    case 'paused':
      return 'live';
    case 'active':
      return (await queue.client.exists(job.lockKey())) ? 'live' : 'orphaned';
    case 'completed':
    case 'failed':
      return 'finished';
    default:
      return 'missing'; // 'stuck': the job's hash without its place in any list (a partial loss)
  }
}
