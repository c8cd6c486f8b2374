import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { execute, onClient } from '../database/database.repository.js';
import { raw, sql } from '../database/sql.js';
import type { Principal } from './principal.js';

/** The channel the users and integrations tables' triggers notify (migration TokenChangeNotices). */
export const TOKEN_CHANNEL = 'auth_tokens';
/** The payload that means "forget everything" (a TRUNCATE). */
const FORGET_ALL = '*';
/** Tokens kept at most; the oldest goes first. */
const MAX_ENTRIES = 10_000;
/** How often the listening connection is checked, and how long it may take to answer. */
const PING_INTERVAL_MS = 2000;
const PING_TIMEOUT_MS = 1000;
const RECONNECT_MS = 1000;

interface Entry {
  principal: Principal;
  expiresAt: number;
}

/**
 * Principals by token hash, kept in this process so that an authenticated request needs no statement to
 * know its caller. Only while this process LISTENs for changes: the users and integrations tables notify
 * TOKEN_CHANNEL with the old hash of any token revoked, reissued or whose holder changed (a trigger, so
 * whatever changes them, any process, is heard), and the entry is forgotten within milliseconds in every
 * process. Whenever the listening connection is down (or does not answer a ping within a second) the
 * cache is off and empty: every request looks its token up, as without a cache. The process that revokes
 * a token forgets it before answering (`forgetAll`), so its very next request is refused.
 *
 * A look-up that began before an invalidation is not stored (`generation`), so a revocation that commits
 * while a request is reading the old row cannot leave the old principal behind. Unknown tokens are not
 * cached. Entries also expire after TOKEN_CACHE_SECONDS, as a backstop.
 */
@Injectable()
export class TokenCache implements OnApplicationShutdown {
  private readonly logger = new Logger('TokenCache');
  private readonly entries = new Map<string, Entry>();
  private listener?: pg.Client;
  private listening = false;
  private starting = false;
  private stopped = false;
  private generation = 0;
  private ping?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;

  constructor(private readonly config: AppConfig) {}

  /** Whether entries are used (and stored) now. */
  get enabled(): boolean {
    return this.listening;
  }

  /** The cached principal of a token hash, if any; starts listening on first use. */
  get(hash: string): Principal | undefined {
    if (!this.listening) {
      this.start();
      return undefined;
    }
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.principal;
  }

  /** A mark to pass to `set`: what is looked up after it may be stored only if nothing changed meanwhile. */
  mark(): number {
    return this.generation;
  }

  set(hash: string, principal: Principal, mark: number): void {
    if (!this.listening || mark !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, { principal, expiresAt: Date.now() + this.config.tokenCacheSeconds * 1000 });
  }

  /** Forgets every entry (this process changed a token or its holder: its next request must see it). */
  forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }

  private forget(hash: string): void {
    this.generation++;
    if (hash === FORGET_ALL) this.entries.clear();
    else this.entries.delete(hash.trim());
  }

  private start(): void {
    if (this.starting || this.stopped || this.retry || this.config.tokenCacheSeconds === 0 || !this.config.databaseUrl) return;
    this.starting = true;
    void this.connect().finally(() => (this.starting = false));
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl, application_name: 'short-breaks-token-cache', keepAlive: true });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (notice) => {
      if (notice.channel === TOKEN_CHANNEL) this.forget(notice.payload ?? FORGET_ALL);
    });
    try {
      await client.connect();
      await execute(onClient(client), sql`LISTEN ${raw(TOKEN_CHANNEL)}`);
    } catch (error) {
      this.logger.debug({ error: (error as Error).message }, 'Could not listen for token changes; tokens are looked up on every request');
      this.lost(client);
      return;
    }
    if (this.stopped) {
      void client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    // whatever changed before LISTEN took effect is not in the cache: it starts empty
    this.forgetAll();
    this.listening = true;
    this.ping = setInterval(() => this.check(client), PING_INTERVAL_MS);
    this.ping.unref();
  }

  /** A connection that does not answer within PING_TIMEOUT_MS may miss notices: off until it is back. */
  private check(client: pg.Client): void {
    const timeout = setTimeout(() => this.lost(client), PING_TIMEOUT_MS);
    execute(onClient(client), sql`SELECT 1`).then(
      () => clearTimeout(timeout),
      () => {
        clearTimeout(timeout);
        this.lost(client);
      },
    );
  }

  private lost(client: pg.Client): void {
    if (this.listener === client) {
      this.listener = undefined;
      this.listening = false;
      this.forgetAll();
      clearInterval(this.ping);
      this.logger.debug('Stopped listening for token changes; tokens are looked up on every request until it is back');
    }
    client.removeAllListeners('notification');
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (!this.stopped && !this.retry && this.listener === undefined) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.start();
      }, RECONNECT_MS);
      this.retry.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    clearInterval(this.ping);
    clearTimeout(this.retry);
    const client = this.listener;
    this.listener = undefined;
    this.entries.clear();
    if (client) await client.end().catch(() => undefined);
  }
}
