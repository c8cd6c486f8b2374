import type { CronRepeatOptions, EveryRepeatOptions, Queue } from 'bull';

export type Schedule = { cron: string; tz: string } | { every: number };

/**
 * Registers a repeatable job once, however many workers start: Bull keeps one schedule per name and
 * settings, and each run's job id is derived from the schedule and the time, so two workers adding the
 * same schedule add one job per run. A schedule of the same name with other settings (a changed
 * interval) is removed first.
 */
export async function scheduleRepeatable(queue: Queue, name: string, schedule: Schedule): Promise<void> {
  for (const job of await queue.getRepeatableJobs()) {
    if (job.name !== name) continue;
    const same = 'cron' in schedule ? job.cron === schedule.cron && job.tz === schedule.tz : job.every === schedule.every;
    if (!same) await queue.removeRepeatableByKey(job.key);
  }
  const repeat: CronRepeatOptions | EveryRepeatOptions = schedule;
  await queue.add(name, {}, { repeat, jobId: name });
}

/** Rejects when `promise` takes longer than `ms` (Bull waits for Redis to come back; a request must not). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
