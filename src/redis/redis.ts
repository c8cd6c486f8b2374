import { Redis } from 'ioredis';

/** Connection options shared by every client the service opens itself (Bull opens its own). */
export function createRedisClient(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: `short-breaks:${name}`,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 3000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
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
