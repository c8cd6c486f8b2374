/**
 * Which failures mean that PostgreSQL could not be reached (the log lines an outage deserves are
 * OutageLog's, in outage-log.ts). Pure, so the rules have specs.
 */

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
