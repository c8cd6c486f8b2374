import { Redis } from 'ioredis';

/**
 * How every client reconnects, the service's own and Bull's: quickly (Bull's default backs off to 20 s,
 * which kept queues away for that long after Redis came back) and for ever.
 */
export const reconnectDelay = (attempt: number): number => Math.min(attempt * 200, 2000);

/** Connection options shared by every client the service opens itself (Bull opens its own). */
export function createRedisClient(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: `short-breaks:${name}`,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 3000,
    retryStrategy: reconnectDelay,
  });
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);
const CONNECTION_ERROR_MESSAGES = /Connection is closed|Stream isn't writeable|Reached the max retries per request limit|connect ETIMEDOUT/;

/** Whether an ioredis (or Bull) error means Redis could not be reached, rather than a bad command. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'string' && CONNECTION_ERROR_CODES.has(e.code)) return true;
  if (e?.name === 'MaxRetriesPerRequestError') return true;
  return typeof e?.message === 'string' && CONNECTION_ERROR_MESSAGES.test(e.message);
}

/** Fails with one readable line when Redis cannot be reached (checked before the service starts). */
export async function assertRedisReachable(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch {
    throw new Error(
      `Redis is not reachable at ${redactUrl(url)}: start one with "docker compose up -d redis" or the OS package ` +
        `("apt-get install redis-server", then "redis-server --daemonize yes"), or point REDIS_URL at yours.`,
    );
  } finally {
    client.disconnect();
  }
}

/** A URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
