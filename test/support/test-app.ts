import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { createHttpApp } from '../../src/app.factory.js';
import { createApiDocument } from '../../src/common/api-docs.js';
import { AppConfig, loadConfig } from '../../src/config/app-config.js';
import { prepareDatabase } from '../../src/database/prepare.js';
import { checkProblemCodes } from './problem-codes.js';
import { createTestDatabase, dropTestDatabase } from './test-database.js';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** Base URL of the listening server (for real concurrent requests). */
  baseUrl: string;
  /** supertest against the server: api().post('/api/v1/...') */
  api: () => ReturnType<typeof request>;
  adminToken: string;
  /** Direct access to the test database, for assertions the API does not expose. */
  db: pg.Pool;
  databaseName: string;
  databaseUrl: string;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment (as the service would read it). */
  env?: Record<string, string>;
  role?: 'all' | 'api';
}

/**
 * Boots the real application (same factory as main.ts) on its own database and its own Bull prefix,
 * listening on a free port, with a bootstrap administrator.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const adminToken = `test-admin-${randomBytes(24).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    REDIS_URL: process.env.REDIS_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
    DATABASE_URL: database.url,
    BOOTSTRAP_ADMIN_TOKEN: adminToken,
    BULL_PREFIX: options.env?.BULL_PREFIX ?? `test-${randomBytes(4).toString('hex')}`,
  });
  await prepareDatabase(database.url, adminToken);
  const app = await createHttpApp(config, options.role ?? 'all');
  // every problem answer must carry a code the API description lists for its operation (problem-codes.ts)
  checkProblemCodes(app.getHttpServer(), () => createApiDocument(app));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const db = new pg.Pool({ connectionString: database.url, max: 4 });
  // pool.end() resolves before its connections have closed, so dropping the database WITH (FORCE) may
  // terminate one that is still closing; without a listener that error would crash the test file.
  db.on('error', () => undefined);
  return {
    app,
    config,
    baseUrl,
    api: () => request(baseUrl),
    adminToken,
    db,
    databaseName: database.name,
    databaseUrl: database.url,
    close: async () => {
      await app.close();
      await db.end();
      await dropTestDatabase(database.name);
      await deleteRedisKeys(config.redisUrl, config.bullPrefix);
    },
  };
}

/** Removes what the app left in the shared Redis under its own prefix (repeatable jobs, counters). */
async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
