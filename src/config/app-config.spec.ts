import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.sessionCapacityLimit).toBe(12);
    expect(config.logLevel).toBe('info');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.embeddedPostgres.dir).toBe('./.data/postgres');
  });

  it('reads numbers and URLs from strings', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/app',
      REDIS_URL: 'redis://cache:6380',
      SESSION_CAPACITY_LIMIT: '10',
      LOG_LEVEL: 'debug',
    });
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/app');
    expect(config.redisUrl).toBe('redis://cache:6380');
    expect(config.sessionCapacityLimit).toBe(10);
    expect(config.logLevel).toBe('debug');
  });

  it('without REDIS_URL: the local Redis on EMBEDDED_REDIS_PORT, which the service may start (never in production)', () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', embeddedRedis: { port: 6379, dir: './.data/redis' } });
    expect(loadConfig({ EMBEDDED_REDIS_PORT: '6380', EMBEDDED_REDIS_DIR: '/tmp/r' })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6380',
      embeddedRedis: { port: 6380, dir: '/tmp/r' },
    });
    expect(loadConfig({ REDIS_URL: '' }).embeddedRedis).toBeDefined(); // empty is unset
    // an explicit REDIS_URL, even the default address, is used as given and never started
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).embeddedRedis).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app' })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      embeddedRedis: undefined,
    });
    expect(() => loadConfig({ EMBEDDED_REDIS_PORT: '0' })).toThrow(/EMBEDDED_REDIS_PORT:/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseUrl).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ BOOTSTRAP_ADMIN_TOKEN: 'too-short' }, 'BOOTSTRAP_ADMIN_TOKEN'],
    [{ SESSION_CAPACITY_LIMIT: '0' }, 'SESSION_CAPACITY_LIMIT'],
    [{ SESSION_CAPACITY_LIMIT: '2.5' }, 'SESSION_CAPACITY_LIMIT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SAFEGUARDING_WEBHOOK_URL: 'ftp://x', SAFEGUARDING_WEBHOOK_SECRET: 's'.repeat(32) }, 'SAFEGUARDING_WEBHOOK_URL'],
    [{ SAFEGUARDING_WEBHOOK_SECRET: 'short' }, 'SAFEGUARDING_WEBHOOK_SECRET'],
    [{ RETENTION_YEARS: '0' }, 'RETENTION_YEARS'],
    [{ INTEGRATION_RATE_LIMIT_PER_MINUTE: 'lots' }, 'INTEGRATION_RATE_LIMIT_PER_MINUTE'],
  ])('refuses %j with a message naming %s', (env, field) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${field}:`));
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'y' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  it('defaults the case-note settings', () => {
    const config = loadConfig({});
    expect(config.idempotency).toEqual({ keyTtlHours: 24, pruneIntervalMinutes: 60 });
    expect(config.safeguardingWebhook.url).toBeUndefined();
    expect(config.retentionYears).toBe(6);
    expect(config.integrationRateLimitPerMinute).toBe(600);
  });

  it('keeps idempotency keys at least a day', () => {
    expect(() => loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '12' })).toThrow(/IDEMPOTENCY_KEY_TTL_HOURS:/);
    expect(loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '48' }).idempotency.keyTtlHours).toBe(48);
  });

  it('refuses a safeguarding webhook without a secret', () => {
    expect(() => loadConfig({ SAFEGUARDING_WEBHOOK_URL: 'https://alerts.example/hook' })).toThrow(/SAFEGUARDING_WEBHOOK_SECRET: required/);
    const config = loadConfig({ SAFEGUARDING_WEBHOOK_URL: 'https://alerts.example/hook', SAFEGUARDING_WEBHOOK_SECRET: 's'.repeat(32) });
    expect(config.safeguardingWebhook).toMatchObject({ url: 'https://alerts.example/hook', attempts: 12, backoffMs: 30000 });
  });

  it('validates the outbox sweep interval and the outage reminder interval', () => {
    expect(loadConfig({})).toMatchObject({ outboxSweepIntervalMs: 5000, outageLogIntervalMs: 60_000 });
    expect(loadConfig({ OUTBOX_SWEEP_INTERVAL_MS: '250', OUTAGE_LOG_INTERVAL_SECONDS: '5' })).toMatchObject({ outboxSweepIntervalMs: 250, outageLogIntervalMs: 5000 });
    expect(() => loadConfig({ OUTBOX_SWEEP_INTERVAL_MS: '10' })).toThrow(/OUTBOX_SWEEP_INTERVAL_MS:/);
    expect(() => loadConfig({ OUTAGE_LOG_INTERVAL_SECONDS: '0' })).toThrow(/OUTAGE_LOG_INTERVAL_SECONDS:/);
  });

  it('requires DATABASE_URL in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: required/);
  });
});
