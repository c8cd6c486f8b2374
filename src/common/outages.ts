/**
 * Which failures mean that a dependency (PostgreSQL, Redis) is unreachable, and which log lines an
 * outage deserves: one when it starts, a reminder at most every `reminderMs`, one when it ends — never
 * one per refused request. Pure (the clock is passed in), so the rules have specs.
 */
export type Dependency = 'postgres' | 'redis';

export const DEPENDENCY_NAMES: Record<Dependency, string> = { postgres: 'PostgreSQL', redis: 'Redis' };

/**
 * How a PostgreSQL failure relates to reaching the server:
 * - `unreachable`: no connection could be had (refused, unknown host, the server starting or stopping);
 * - `lost`: a connection broke under a query (terminated, reset, admin shutdown): the server may be
 *   gone, or one session was ended while the server is fine — a probe tells which;
 * - `pool-timeout`: no pooled connection came free in time (the server may be gone, or merely busy).
 */
export type PostgresFailure = 'unreachable' | 'lost' | 'pool-timeout';

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EADDRNOTAVAIL']);
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/** SQLSTATE class 08 (connection exception) and 57P01-57P03 (admin/crash shutdown, cannot connect now). */
const UNREACHABLE_SQLSTATES = new Set(['57P03', '08001', '08004']);
const LOST_SQLSTATES = new Set(['57P01', '57P02', '08000', '08003', '08006', '08007', '08P01']);
const LOST_MESSAGES = [
  /^Connection terminated/,
  /Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
];

function codesOf(error: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== 'object' || depth > 3) return;
    const { code, message, driverError, errors, cause } = e as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string') codes.push(code);
    if (typeof message === 'string') messages.push(message);
    visit(driverError, depth + 1);
    visit(cause, depth + 1);
    // Node reports a failed connection to a name with several addresses as an AggregateError
    if (Array.isArray(errors)) for (const inner of errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return { codes, messages };
}

/** Whether (and how) `error` says that PostgreSQL could not be reached or was lost; undefined for any other error. */
export function postgresFailure(error: unknown): PostgresFailure | undefined {
  const { codes, messages } = codesOf(error);
  if (codes.some((c) => UNREACHABLE_CODES.has(c) || UNREACHABLE_SQLSTATES.has(c))) return 'unreachable';
  if (messages.some((m) => /timeout exceeded when trying to connect/.test(m))) return 'pool-timeout';
  if (messages.some((m) => /^Connection terminated due to connection timeout/.test(m))) return 'unreachable';
  if (codes.some((c) => LOST_CODES.has(c) || LOST_SQLSTATES.has(c))) return 'lost';
  if (messages.some((m) => LOST_MESSAGES.some((pattern) => pattern.test(m)))) return 'lost';
  return undefined;
}

export interface OutageLine {
  level: 'error' | 'warn' | 'info';
  message: string;
  fields: Record<string, unknown>;
}

interface Outage {
  since: number;
  lastLine: number;
  /** Requests refused since the last line. */
  refused: number;
  reason: string;
}

/** The log of dependency outages: which line (if any) each event deserves. */
export class OutageLog {
  private readonly outages = new Map<Dependency, Outage>();

  constructor(
    private readonly reminderMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  isDown(dependency: Dependency): boolean {
    return this.outages.has(dependency);
  }

  /** A request was refused because `dependency` is down. */
  failed(dependency: Dependency, reason: string): OutageLine | undefined {
    const now = this.now();
    const outage = this.outages.get(dependency);
    const name = DEPENDENCY_NAMES[dependency];
    if (!outage) {
      this.outages.set(dependency, { since: now, lastLine: now, refused: 0, reason });
      return { level: 'error', message: `${name} unreachable: answering 503 until it is back`, fields: { dependency, reason } };
    }
    outage.refused++;
    outage.reason = reason;
    if (now - outage.lastLine < this.reminderMs) return undefined;
    const line: OutageLine = {
      level: 'warn',
      message: `${name} still unreachable`,
      fields: { dependency, reason, downForMs: now - outage.since, refusedSinceLastLine: outage.refused },
    };
    outage.lastLine = now;
    outage.refused = 0;
    return line;
  }

  /** `dependency` answered again. */
  answered(dependency: Dependency): OutageLine | undefined {
    const outage = this.outages.get(dependency);
    if (!outage) return undefined;
    this.outages.delete(dependency);
    return {
      level: 'info',
      message: `${DEPENDENCY_NAMES[dependency]} is back`,
      fields: { dependency, downForMs: this.now() - outage.since, refusedSinceLastLine: outage.refused },
    };
  }
}
