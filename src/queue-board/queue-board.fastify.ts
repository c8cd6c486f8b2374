import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { forbidden, ProblemError, unauthorized } from '../common/problem.js';
import { ProblemDetailsFilter } from '../common/problem-details.filter.js';
import { TimeoutError, withTimeout } from '../common/with-timeout.js';
import { AppConfig } from '../config/app-config.js';
import { isConnectionError } from '../redis/redis.js';
import { BoardQueues } from './board-queues.js';
import { boardRequestKind, isSameOrigin, originOf, readCookie, SESSION_COOKIE, safeNext, wantsHtml } from './board-requests.js';
import { LOGIN_PAGE_HEADERS, renderLoginPage, renderLogoutPage } from './login-page.js';
import { QueueBoardSessions } from './queue-board-sessions.js';
import { ProblemCode } from '../common/problem-codes.js';

/*
 * The Fastify binding of the queue board: the routes, cookies and redirects around QueueBoardSessions
 * (which holds the rules and knows no HTTP framework) and Bull Board's own Fastify adapter, each in a
 * Fastify context of its own (its hooks and its form parser apply there and nowhere else).
 */

export const QUEUE_BOARD_PATH = '/admin/queues';
export const LOGIN_PATH = '/admin/login';
export const LOGOUT_PATH = '/admin/logout';
/** The session cookie goes to the board, the login and the logout, and nowhere else. */
const COOKIE_PATH = '/admin';

const BEARER = /^Bearer\s+(\S{1,512})\s*$/i;

/** How long the board waits for Redis to answer a PING before it answers 503. */
const REDIS_CHECK_TIMEOUT_MS = 2000;
const RETRY_AFTER_SECONDS = 10;
const REDIS_AWAY = 'The queues cannot be shown while Redis is not answering: try again shortly';

/** The login form's body: a token and where to go next. */
const FORM_LIMIT_BYTES = 4096;
const FORM_FIELDS_LIMIT = 10;

const redisAway = () => new ProblemError(503, ProblemCode.Unavailable, 'Service unavailable', REDIS_AWAY, undefined, { 'Retry-After': String(RETRY_AFTER_SECONDS) });

/** A Redis failure becomes the 503 above (never an ioredis message); anything else passes unchanged. */
const asProblem = (error: unknown): unknown => (error instanceof TimeoutError || isConnectionError(error) ? redisAway() : error);

type BoardRequest = FastifyRequest & { principal?: Principal };
type Fail = (req: FastifyRequest, reply: FastifyReply, error: unknown) => void;

/** Where the form's Origin may come from: this request's own origin, and PUBLIC_BASE_URL's. */
function allowedOrigins(req: FastifyRequest, config: AppConfig): string[] {
  return [originOf(`${req.protocol}://${req.headers.host}`), originOf(config.publicBaseUrl)].filter((o): o is string => o !== undefined);
}

/** A Set-Cookie value for the session cookie: HttpOnly, SameSite=Strict, Secure over https, path /admin. */
function sessionCookie(req: FastifyRequest, value: string, maxAgeMs?: number): string {
  const parts = [`${SESSION_COOKIE}=${value}`];
  if (maxAgeMs !== undefined) parts.push(`Max-Age=${Math.floor(maxAgeMs / 1000)}`);
  parts.push(`Path=${COOKIE_PATH}`);
  parts.push(`Expires=${maxAgeMs !== undefined ? new Date(Date.now() + maxAgeMs).toUTCString() : new Date(0).toUTCString()}`);
  parts.push('HttpOnly');
  if (req.protocol === 'https') parts.push('Secure');
  parts.push('SameSite=Strict');
  return parts.join('; ');
}

const clearSessionCookie = (req: FastifyRequest, reply: FastifyReply) => reply.header('Set-Cookie', sessionCookie(req, ''));

const redirect = (reply: FastifyReply, location: string) => reply.code(303).header('Location', location).send();

/**
 * Mounts the queue board at /admin/queues (outside /api/v1), showing every Bull queue the application
 * registered, for administrators only:
 * - scripts send `Authorization: Bearer <admin token>` on every request, as before;
 * - browsers log in at /admin/login (a form: the admin pastes their API token) and get an HttpOnly,
 *   SameSite=Strict session cookie (Secure over https); /admin/logout ends the session.
 * Without either, a browser opening a board page is sent to the login form (303); the board's API and
 * assets answer 401 problem details; a non-administrator 403. While Redis is away: 503 with Retry-After.
 */
export function mountQueueBoard(app: NestFastifyApplication): void {
  const sessions = app.get(QueueBoardSessions);
  const config = app.get(AppConfig);
  const queues = app.get(BoardQueues).all();
  const problems = new ProblemDetailsFilter();
  const fail: Fail = (req, reply, error) => problems.send(req, reply, asProblem(error));
  const fastify = app.getHttpAdapter().getInstance();

  void fastify.register(async (scope) => loginRoutes(scope, sessions, config, fail));
  void fastify.register(async (scope) => logoutRoutes(scope, sessions, config, fail));

  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullAdapter(queue)),
    // @bull-board/fastify carries its own copy of @bull-board/api: the adapter's types differ only by that copy.
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Queues', miscLinks: [{ text: 'Log out', url: LOGOUT_PATH }] } },
  });
  // The board's own error handler answers 500 with the error's message (an ioredis one, when Redis is
  // away): rethrown instead, its errors reach the service's handler (problem details).
  adapter.setErrorHandler((error: Error) => {
    throw asProblem(error);
  });
  void fastify.register(
    async (scope) => {
      scope.addHook('onRequest', authenticate(sessions, config, fail));
      scope.addHook('onRequest', redisAvailable(queues, fail));
      await scope.register(adapter.registerPlugin());
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}

/**
 * Who is asking: a bearer token, else the session cookie. Nobody: a browser navigating to a page is sent
 * to the login form, anything else gets 401. A session's writes (the board's retry, clean, pause...)
 * must come from our own pages (Origin check).
 */
function authenticate(sessions: QueueBoardSessions, config: AppConfig, fail: Fail) {
  return async (req: BoardRequest, reply: FastifyReply): Promise<void> => {
    reply.header('X-Frame-Options', 'DENY');
    try {
      const bearer = req.headers.authorization;
      if (bearer !== undefined) {
        const match = BEARER.exec(bearer);
        if (!match) throw unauthorized('A valid bearer token is required');
        req.principal = await sessions.principalForToken(match[1]);
        return;
      }
      const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
      const principal = cookie === undefined ? undefined : await sessions.principalFor(cookie);
      if (!principal) {
        if (cookie !== undefined) clearSessionCookie(req, reply);
        const url = req.originalUrl ?? req.url;
        const within = url.split('?')[0].slice(QUEUE_BOARD_PATH.length) || '/';
        if (boardRequestKind(req.method, within) === 'page' && wantsHtml(req.headers.accept)) {
          return void redirect(reply, `${LOGIN_PATH}?next=${encodeURIComponent(safeNext(url, QUEUE_BOARD_PATH))}`);
        }
        throw unauthorized("Log in at /admin/login, or send an administrator's bearer token");
      }
      if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !isSameOrigin(req.headers, allowedOrigins(req, config))) {
        throw forbidden('The board only takes changes from its own pages');
      }
      req.principal = principal;
    } catch (error) {
      fail(req, reply, error);
    }
  };
}

/**
 * Bull Board reads Redis on every call, and Bull's client would hold a call until Redis came back: while
 * Redis is away, answer 503 at once instead (and never pass an ioredis message on).
 */
function redisAvailable(queues: Queue[], fail: Fail) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (reply.sent) return;
    if (queues.some((queue) => queue.client.status !== 'ready')) return fail(req, reply, redisAway());
    try {
      await withTimeout(Promise.all(queues.map((queue) => queue.client.ping())), REDIS_CHECK_TIMEOUT_MS, 'Redis');
    } catch {
      fail(req, reply, redisAway());
    }
  };
}

function sendPage(reply: FastifyReply, status: number, html: string, headers: Record<string, string> = {}): void {
  void reply.code(status).headers({ ...LOGIN_PAGE_HEADERS, ...headers }).send(html);
}

/** The login form's fields: at most FORM_FIELDS_LIMIT of them, as a browser posts them (urlencoded). */
function parseForm(body: string): Record<string, string> {
  const form = new URLSearchParams(body);
  const fields: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of form) {
    if (++count > FORM_FIELDS_LIMIT) throw new ProblemError(413, ProblemCode.PayloadTooLarge, 'Payload too large', `A login form has no more than ${FORM_FIELDS_LIMIT} fields`);
    if (!(name in fields)) fields[name] = value;
  }
  return fields;
}

/**
 * GET /admin/login: the form. POST /admin/login (urlencoded `token`, `next`): from our own page only
 * (Origin/Referer), counted per address, an administrator's token → session cookie and 303 to the board.
 * A refusal is the form again with the reason (problem details for a client that does not ask for HTML).
 */
function loginRoutes(scope: FastifyInstance, sessions: QueueBoardSessions, config: AppConfig, fail: Fail): void {
  const form = (reply: FastifyReply, status: number, next: string, message?: { kind: 'error' | 'info'; text: string }, headers?: Record<string, string>) =>
    sendPage(reply, status, renderLoginPage({ action: LOGIN_PATH, next, message }), headers);

  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // a body the form parser refused (too large, too many fields)
  scope.setErrorHandler((error: Error & { code?: string }, req, reply) =>
    fail(req, reply, error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? new ProblemError(413, ProblemCode.PayloadTooLarge, 'Payload too large', 'The form is larger than a login form can be') : error),
  );

  scope.get(LOGIN_PATH, (req, reply) => {
    const query = req.query as Record<string, unknown>;
    const next = safeNext(query.next, QUEUE_BOARD_PATH);
    form(reply, 200, next, query.loggedOut === '1' ? { kind: 'info', text: 'You have logged out.' } : undefined);
  });
  scope.post(LOGIN_PATH, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next, QUEUE_BOARD_PATH);
    try {
      if (!isSameOrigin(req.headers, allowedOrigins(req, config))) throw forbidden('Log in from the login page of this site');
      const token = typeof body.token === 'string' ? body.token.trim() : '';
      const session = await sessions.login(token, req.ip ?? 'unknown');
      reply.header('Set-Cookie', sessionCookie(req, session.id, session.maxAgeMs));
      redirect(reply, next);
    } catch (error) {
      const problem = asProblem(error);
      if (!(problem instanceof ProblemError) || !wantsHtml(req.headers.accept)) return fail(req, reply, problem);
      form(reply, problem.status, next, { kind: 'error', text: problem.detail }, problem.headers);
    }
  });
}

/** GET /admin/logout: a confirmation with a button. POST /admin/logout: from our own page, ends the session. */
function logoutRoutes(scope: FastifyInstance, sessions: QueueBoardSessions, config: AppConfig, fail: Fail): void {
  scope.get(LOGOUT_PATH, (_req, reply) => sendPage(reply, 200, renderLogoutPage({ action: LOGOUT_PATH, boardPath: QUEUE_BOARD_PATH })));
  scope.post(LOGOUT_PATH, async (req, reply) => {
    try {
      if (!isSameOrigin(req.headers, allowedOrigins(req, config))) throw forbidden('Log out from the logout page of this site');
      await sessions.logout(readCookie(req.headers.cookie, SESSION_COOKIE));
      clearSessionCookie(req, reply);
      redirect(reply, `${LOGIN_PATH}?loggedOut=1`);
    } catch (error) {
      fail(req, reply, error);
    }
  });
}
