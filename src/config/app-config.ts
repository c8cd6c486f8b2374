import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (/^-?\d+$/.test(String(value)) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) =>
  ['1', 'true', 'on', 'yes'].includes(String(value).toLowerCase())
    ? true
    : ['0', 'false', 'off', 'no'].includes(String(value).toLowerCase())
      ? false
      : value;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The process environment, validated once at boot. Nothing outside src/config reads process.env:
 * everything else receives an AppConfig.
 */
/** REDIS_COMMAND_TIMEOUT_MS when unset (also what a component built without a configuration uses, as in unit specs). */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 2000;

class EnvDto {
  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT: number = 3000;

  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** Unset: the local Redis on 127.0.0.1:EMBEDDED_REDIS_PORT, started by the service in development if none answers. */
  @IsOptional() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  EMBEDDED_REDIS_PORT: number = 6379;

  @IsString()
  EMBEDDED_REDIS_DIR: string = './.data/redis';

  @IsOptional() @IsString() @MinLength(32, { message: 'BOOTSTRAP_ADMIN_TOKEN must be at least 32 characters' }) @MaxLength(512)
  BOOTSTRAP_ADMIN_TOKEN?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  SESSION_CAPACITY_LIMIT: number = 12;

  @IsIn(LOG_LEVELS as unknown as string[])
  LOG_LEVEL: LogLevel = 'info';

  @IsString()
  EMBEDDED_POSTGRES_DIR: string = './.data/postgres';

  @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  EMBEDDED_POSTGRES_PORT: number = 54329;

  @Transform(toInt) @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @IsString() @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'BULL_PREFIX must be 1-64 letters, digits, colons, dashes or underscores' })
  BULL_PREFIX: string = 'bull';

  @Transform(toBool) @IsBoolean()
  LOG_PRETTY: boolean = false;

  @Transform(toInt) @IsInt() @Min(1000) @Max(120000)
  SHUTDOWN_TIMEOUT_MS: number = 10000;

  @Transform(toInt) @IsInt() @Min(100) @Max(600_000)
  REQUEST_TIMEOUT_MS: number = 30000;

  /** How long a process may keep a token's principal (while it hears of every change: TokenCache); 0: never. */
  @Transform(toInt) @IsInt() @Min(0) @Max(3600)
  TOKEN_CACHE_SECONDS: number = 60;

  /** How many API processes `main.js api` runs on PORT (node:cluster); `--workers N` on the command line wins. */
  @Transform(toInt) @IsInt() @Min(1) @Max(64)
  API_WORKERS: number = 1;

  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  OUTAGE_LOG_INTERVAL_SECONDS: number = 60;

  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true })
  PUBLIC_BASE_URL?: string;

  @IsOptional() @IsEmail()
  PROVIDER_EMAIL?: string;

  @Transform(toInt) @IsInt() @Min(24, { message: 'IDEMPOTENCY_KEY_TTL_HOURS must be at least 24 (keys are kept at least a day)' }) @Max(24 * 90)
  IDEMPOTENCY_KEY_TTL_HOURS: number = 24;

  @Transform(toInt) @IsInt() @Min(1) @Max(24 * 60)
  IDEMPOTENCY_PRUNE_INTERVAL_MINUTES: number = 60;

  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'SAFEGUARDING_WEBHOOK_URL must be an http(s) URL' })
  SAFEGUARDING_WEBHOOK_URL?: string;

  @IsOptional() @IsString() @MinLength(32, { message: 'SAFEGUARDING_WEBHOOK_SECRET must be at least 32 characters' }) @MaxLength(512)
  SAFEGUARDING_WEBHOOK_SECRET?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(50)
  SAFEGUARDING_WEBHOOK_ATTEMPTS: number = 12;

  @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000)
  SAFEGUARDING_WEBHOOK_BACKOFF_MS: number = 30_000;

  @Transform(toInt) @IsInt() @Min(100) @Max(120_000)
  SAFEGUARDING_WEBHOOK_TIMEOUT_MS: number = 10_000;

  @Transform(toInt) @IsInt() @Min(50) @Max(60_000)
  SAFEGUARDING_ENQUEUE_TIMEOUT_MS: number = 2000;

  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  RETENTION_YEARS: number = 6;

  @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000)
  INTEGRATION_RATE_LIMIT_PER_MINUTE: number = 600;
  @IsString() @MinLength(1) @MaxLength(200)
  PROVIDER_NAME: string = 'Short Breaks Provider';

  @IsOptional() @IsString() @MaxLength(500)
  PROVIDER_ADDRESS?: string;

  @IsOptional() @IsString() @MaxLength(50)
  PROVIDER_PHONE?: string;

  @IsOptional() @IsString() @MaxLength(30)
  PROVIDER_VAT_NUMBER?: string;

  @IsOptional() @IsString() @MaxLength(300)
  PROVIDER_PAYMENT_DETAILS?: string;

  @IsIn(['on', 'off'], { message: 'BILLING_SCHEDULE must be on or off' })
  BILLING_SCHEDULE: 'on' | 'off' = 'on';

  @Transform(toInt) @IsInt() @Min(1) @Max(50)
  BILLING_RUN_ATTEMPTS: number = 5;

  @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000)
  BILLING_RUN_BACKOFF_MS: number = 5000;

  @Transform(toInt) @IsInt() @Min(50) @Max(60_000)
  BILLING_ENQUEUE_TIMEOUT_MS: number = 1000;

  @Transform(toInt) @IsInt() @Min(500) @Max(3_600_000)
  BULL_LOCK_DURATION_MS: number = 30000;

  @Transform(toInt) @IsInt() @Min(500) @Max(3_600_000)
  BULL_STALLED_INTERVAL_MS: number = 30000;

  @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000)
  OUTBOX_SWEEP_INTERVAL_MS: number = 5000;

  @Transform(toInt) @IsInt() @Min(50) @Max(60_000)
  REDIS_COMMAND_TIMEOUT_MS: number = DEFAULT_REDIS_COMMAND_TIMEOUT_MS;

  @Transform(toInt) @IsInt() @Min(50) @Max(60_000)
  HEALTH_CHECK_TIMEOUT_MS: number = 2000;

  /** Where notifications are sent (smtp:// or smtps://, user and password in the URL); unset: they wait, queued. */
  @IsOptional() @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsOptional() @IsString() @MaxLength(320) @Matches(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, { message: 'MAIL_FROM must be an address, or a name and <address>' })
  MAIL_FROM?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(50)
  MAIL_ATTEMPTS: number = 10;

  @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000)
  MAIL_BACKOFF_MS: number = 30_000;

  @Transform(toInt) @IsInt() @Min(100) @Max(600_000)
  MAIL_SEND_TIMEOUT_MS: number = 30_000;

  @Transform(toInt) @IsInt() @Min(50) @Max(60_000)
  MAIL_ENQUEUE_TIMEOUT_MS: number = 1000;

  @Transform(toInt) @IsInt() @Min(1) @Max(168)
  QUEUE_BOARD_SESSION_HOURS: number = 8;

  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  QUEUE_BOARD_LOGIN_ATTEMPTS: number = 10;
}

export type ProcessRole = 'all' | 'api' | 'worker';

/** Typed, validated configuration handed to every module. */
export class AppConfig {
  readonly env: string;
  readonly port: number;
  readonly databaseUrl?: string;
  readonly redisUrl: string;
  /**
   * Set when REDIS_URL is unset outside production: `redisUrl` is then 127.0.0.1:`port`, and when
   * nothing answers there the service starts `redis-server` itself with its data in `dir`.
   */
  readonly embeddedRedis?: { port: number; dir: string };
  readonly bootstrapAdminToken?: string;
  readonly sessionCapacityLimit: number;
  readonly logLevel: LogLevel;
  readonly logPretty: boolean;
  readonly embeddedPostgres: { dir: string; port: number };
  readonly databasePoolSize: number;
  readonly bullPrefix: string;
  readonly shutdownTimeoutMs: number;
  /** A request still unanswered after this long is answered 503 and abandoned where it can be. */
  readonly requestTimeoutMs: number;
  /** How long a token's principal may be kept in a process that hears of every change (0: not at all). */
  readonly tokenCacheSeconds: number;
  /** API processes sharing PORT (node:cluster) when the role is `api`. */
  readonly apiWorkers: number;
  /** While PostgreSQL or Redis is down, how often the log is reminded of it (once at the start, once at the end). */
  readonly outageLogIntervalMs: number;
  readonly publicBaseUrl: string;
  /** How long an Idempotency-Key is remembered (at least 24 h), and how often expired keys are pruned. */
  readonly idempotency: { keyTtlHours: number; pruneIntervalMinutes: number };
  /** Where safeguarding alerts go; `url` unset means no alert is sent. */
  readonly safeguardingWebhook: {
    url?: string;
    secret?: string;
    attempts: number;
    backoffMs: number;
    timeoutMs: number;
    /** How long a request waits for Redis to take an alert's job before leaving it to the outbox sweeper. */
    enqueueTimeoutMs: number;
  };
  /** Participants with no activity for this many years are anonymised by the daily retention job. */
  readonly retentionYears: number;
  /** Requests per minute one integration key may make. */
  readonly integrationRateLimitPerMinute: number;
  /** Who issues the invoices: printed on every PDF. */
  readonly provider: {
    name: string;
    addressLines: string[];
    email?: string;
    phone?: string;
    vatNumber?: string;
    paymentDetails?: string;
  };
  readonly billing: {
    schedule: boolean;
    runAttempts: number;
    runBackoffMs: number;
    enqueueTimeoutMs: number;
  };
  /** Bull's job lock (renewed at half of it) and how often workers look for stalled jobs. */
  readonly bullLockDurationMs: number;
  readonly bullStalledIntervalMs: number;
  /**
   * How often every process sweeps the outboxes (enqueues rows whose Bull job is missing, puts back runs
   * whose job was lost) and registers missing repeatable jobs.
   */
  readonly outboxSweepIntervalMs: number;
  /**
   * How long a sweep, a schedule registration or a request waits for one Redis command that is not an
   * enqueue (is this job alive? which schedules exist?) before giving up for now.
   */
  readonly redisCommandTimeoutMs: number;
  /** How long GET /health/ready and the PostgreSQL probe wait for each dependency. */
  readonly healthCheckTimeoutMs: number;
  /**
   * Email notifications: `smtpUrl` unset means nothing is sent and notifications wait, queued; `from` is
   * MAIL_FROM, else the provider's name and PROVIDER_EMAIL, else a no-reply address of the provider.
   */
  readonly mail: { smtpUrl?: string; from: string; attempts: number; backoffMs: number; sendTimeoutMs: number; enqueueTimeoutMs: number };
  /** The queue board's login: how long a session lasts, and login attempts allowed per address per 15 minutes. */
  readonly queueBoard: { sessionHours: number; loginAttempts: number };

  constructor(env: EnvDto) {
    this.env = env.NODE_ENV;
    this.port = env.PORT;
    this.databaseUrl = env.DATABASE_URL;
    this.redisUrl = env.REDIS_URL ?? `redis://127.0.0.1:${env.EMBEDDED_REDIS_PORT}`;
    this.embeddedRedis =
      env.REDIS_URL === undefined && env.NODE_ENV !== 'production' ? { port: env.EMBEDDED_REDIS_PORT, dir: env.EMBEDDED_REDIS_DIR } : undefined;
    this.bootstrapAdminToken = env.BOOTSTRAP_ADMIN_TOKEN;
    this.sessionCapacityLimit = env.SESSION_CAPACITY_LIMIT;
    this.logLevel = env.LOG_LEVEL;
    this.logPretty = env.LOG_PRETTY;
    this.embeddedPostgres = { dir: env.EMBEDDED_POSTGRES_DIR, port: env.EMBEDDED_POSTGRES_PORT };
    this.databasePoolSize = env.DATABASE_POOL_SIZE;
    this.bullPrefix = env.BULL_PREFIX;
    this.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_MS;
    this.requestTimeoutMs = env.REQUEST_TIMEOUT_MS;
    this.apiWorkers = env.API_WORKERS;
    this.tokenCacheSeconds = env.TOKEN_CACHE_SECONDS;
    this.outageLogIntervalMs = env.OUTAGE_LOG_INTERVAL_SECONDS * 1000;
    this.publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
    this.idempotency = { keyTtlHours: env.IDEMPOTENCY_KEY_TTL_HOURS, pruneIntervalMinutes: env.IDEMPOTENCY_PRUNE_INTERVAL_MINUTES };
    this.safeguardingWebhook = {
      url: env.SAFEGUARDING_WEBHOOK_URL,
      secret: env.SAFEGUARDING_WEBHOOK_SECRET,
      attempts: env.SAFEGUARDING_WEBHOOK_ATTEMPTS,
      backoffMs: env.SAFEGUARDING_WEBHOOK_BACKOFF_MS,
      timeoutMs: env.SAFEGUARDING_WEBHOOK_TIMEOUT_MS,
      enqueueTimeoutMs: env.SAFEGUARDING_ENQUEUE_TIMEOUT_MS,
    };
    this.retentionYears = env.RETENTION_YEARS;
    this.integrationRateLimitPerMinute = env.INTEGRATION_RATE_LIMIT_PER_MINUTE;
    this.provider = {
      name: env.PROVIDER_NAME,
      addressLines: (env.PROVIDER_ADDRESS ?? '').split(/\s*[|\n]\s*/).filter((line) => line.length > 0),
      email: env.PROVIDER_EMAIL,
      phone: env.PROVIDER_PHONE,
      vatNumber: env.PROVIDER_VAT_NUMBER,
      paymentDetails: env.PROVIDER_PAYMENT_DETAILS,
    };
    this.billing = {
      schedule: env.BILLING_SCHEDULE === 'on',
      runAttempts: env.BILLING_RUN_ATTEMPTS,
      runBackoffMs: env.BILLING_RUN_BACKOFF_MS,
      enqueueTimeoutMs: env.BILLING_ENQUEUE_TIMEOUT_MS,
    };
    this.bullLockDurationMs = env.BULL_LOCK_DURATION_MS;
    this.bullStalledIntervalMs = env.BULL_STALLED_INTERVAL_MS;
    this.outboxSweepIntervalMs = env.OUTBOX_SWEEP_INTERVAL_MS;
    this.redisCommandTimeoutMs = env.REDIS_COMMAND_TIMEOUT_MS;
    this.healthCheckTimeoutMs = env.HEALTH_CHECK_TIMEOUT_MS;
    this.mail = {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM ?? (env.PROVIDER_EMAIL ? `"${env.PROVIDER_NAME.replace(/["\\]/g, '')}" <${env.PROVIDER_EMAIL}>` : 'no-reply@localhost'),
      attempts: env.MAIL_ATTEMPTS,
      backoffMs: env.MAIL_BACKOFF_MS,
      sendTimeoutMs: env.MAIL_SEND_TIMEOUT_MS,
      enqueueTimeoutMs: env.MAIL_ENQUEUE_TIMEOUT_MS,
    };
    this.queueBoard = { sessionHours: env.QUEUE_BOARD_SESSION_HOURS, loginAttempts: env.QUEUE_BOARD_LOGIN_ATTEMPTS };
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }

  /** Same settings with a resolved database URL (used once the embedded database is up). */
  withDatabaseUrl(databaseUrl: string): AppConfig {
    return Object.assign(Object.create(AppConfig.prototype), this, { databaseUrl });
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates an environment (process.env by default) into an AppConfig, or throws a readable ConfigError. */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(new EnvDto());
  const picked: Record<string, unknown> = {};
  // settings without a default are not own keys of a fresh EnvDto: name them here
  const optional = [
    'DATABASE_URL',
    'REDIS_URL',
    'BOOTSTRAP_ADMIN_TOKEN',
    'PUBLIC_BASE_URL',
    'PROVIDER_EMAIL',
    'PROVIDER_ADDRESS',
    'PROVIDER_PHONE',
    'PROVIDER_VAT_NUMBER',
    'PROVIDER_PAYMENT_DETAILS',
    'SAFEGUARDING_WEBHOOK_URL',
    'SAFEGUARDING_WEBHOOK_SECRET',
    'SMTP_URL',
    'MAIL_FROM',
  ];
  for (const key of [...known, ...optional]) {
    if (source[key] !== undefined && source[key] !== '') picked[key] = source[key]; // empty means unset
  }
  const dto = plainToInstance(EnvDto, picked);
  const errors = validateSync(dto, { whitelist: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ') || 'invalid value'}`),
    );
  }
  if (dto.NODE_ENV === 'production' && !dto.DATABASE_URL) {
    throw new ConfigError(['DATABASE_URL: required when NODE_ENV=production (the embedded database is for development only)']);
  }
  if (dto.SAFEGUARDING_WEBHOOK_URL && !dto.SAFEGUARDING_WEBHOOK_SECRET) {
    throw new ConfigError(['SAFEGUARDING_WEBHOOK_SECRET: required when SAFEGUARDING_WEBHOOK_URL is set (alerts are always signed)']);
  }
  return new AppConfig(dto);
}
