/**
 * What the queue board's HTTP binding decides about a request, as plain functions of its parts (no
 * framework types), so that a Fastify binding can reuse them.
 */

/** The session cookie: an opaque random id; the session itself is kept server-side (BoardSessionStore). */
export const SESSION_COOKIE = 'sb_queue_board';

/** A session id as QueueBoardSessions issues them: 256 random bits, base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}

/** The value of cookie `name` in a Cookie header, if any (the first one, undecoded: ids need no decoding). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The origin (scheme://host[:port]) of a URL, or undefined when it is not one. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? undefined : parsed.origin;
  } catch {
    return undefined;
  }
}

/**
 * A state-changing request sent by a browser on a cookie's strength must come from one of our own pages:
 * its Origin (or, without one, its Referer) is one of `allowed`. Browsers send Origin with every POST;
 * a request with neither header is refused. (SameSite=Strict already keeps the cookie off cross-site
 * requests: this is the second lock.)
 */
export function isSameOrigin(headers: { origin?: string; referer?: string }, allowed: string[]): boolean {
  const origin = headers.origin !== undefined ? originOf(headers.origin) : originOf(headers.referer);
  return origin !== undefined && allowed.includes(origin);
}

/**
 * Where to go after logging in: a page of the board (`boardPath` or below it), never another site or
 * path (no open redirect); anything else means the board itself.
 */
export function safeNext(next: unknown, boardPath: string): string {
  if (typeof next !== 'string' || next.length > 2000) return boardPath;
  if (next !== boardPath && !next.startsWith(`${boardPath}/`)) return boardPath;
  if (/[\\\s]|\/\/|\/\.\.?(\/|$)/.test(next) || /[\u0000-\u001f]/.test(next)) return boardPath;
  return next;
}

/**
 * A request to the board, by what it is after: a page of its single-page app (GET/HEAD outside api/ and
 * static/), its JSON API, or a static asset. Only pages are redirected to the login form.
 */
export function boardRequestKind(method: string, pathWithinBoard: string): 'page' | 'api' | 'asset' {
  if (pathWithinBoard === '/api' || pathWithinBoard.startsWith('/api/')) return 'api';
  if (pathWithinBoard.startsWith('/static/')) return 'asset';
  return method === 'GET' || method === 'HEAD' ? 'page' : 'api';
}

/** Whether the client asked for an HTML page (a browser navigating), as opposed to a script. */
export function wantsHtml(accept: string | undefined): boolean {
  return /\btext\/html\b/i.test(accept ?? '');
}
