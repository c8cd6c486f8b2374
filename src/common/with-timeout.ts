/** What withTimeout rejects with when the work took too long. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * `work`, or a TimeoutError once `ms` have passed. ioredis and Bull wait for Redis to come back and
 * PostgreSQL may be slow; a request, a health check or a sweep must not wait with them. The work is not
 * cancelled: it may still finish later, and a late failure of it is ignored rather than left unhandled.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
