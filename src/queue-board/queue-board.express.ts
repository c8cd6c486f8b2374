import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bull';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
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

/*
 * The Express binding of the queue board: the routes, cookies and redirects around QueueBoardSessions
 * (which holds the rules and knows no HTTP framework) and Bull Board's own Express adapter.
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

const redisAway = () => new ProblemError(503, 'unavailable', 'Service unavailable', REDIS_AWAY, undefined, { 'Retry-After': String(RETRY_AFTER_SECONDS) });

/** A Redis failure becomes the 503 above (never an ioredis message); anything else passes unchanged. */
const asProblem = (error: unknown): unknown => (error instanceof TimeoutError || isConnectionError(error) ? redisAway() : error);

type BoardRequest = Request & { principal?: Principal };

/** Where the form's Origin may come from: this request's own origin, and PUBLIC_BASE_URL's. */
function allowedOrigins(req: Request, config: AppConfig): string[] {
  return [originOf(`${req.protocol}://${req.get('host')}`), originOf(config.publicBaseUrl)].filter((o): o is string => o !== undefined);
}

const cookieOptions = (req: Request) => ({ httpOnly: true, sameSite: 'strict' as const, secure: req.secure, path: COOKIE_PATH });

/**
 * Mounts the queue board at /admin/queues (outside /api/v1), showing every Bull queue the application
 * registered, for administrators only:
 * - scripts send `Authorization: Bearer <admin token>` on every request, as before;
 * - browsers log in at /admin/login (a form: the admin pastes their API token) and get an HttpOnly,
 *   SameSite=Strict session cookie (Secure over https); /admin/logout ends the session.
 * Without either, a browser opening a board page is sent to the login form (303); the board's API and
 * assets answer 401 problem details; a non-administrator 403. While Redis is away: 503 with Retry-After.
 */
export function mountQueueBoard(app: INestApplication): void {
  const sessions = app.get(QueueBoardSessions);
  const config = app.get(AppConfig);
  const queues = app.get(BoardQueues).all();
  const problems = new ProblemDetailsFilter();
  const fail = (req: Request, res: Response, error: unknown) => problems.send(req, res, asProblem(error));

  app.use(LOGIN_PATH, loginRoutes(sessions, config, fail));
  app.use(LOGOUT_PATH, logoutRoutes(sessions, config, fail));

  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullAdapter(queue)),
    // @bull-board/express carries its own copy of @bull-board/api: the adapter's types differ only by that copy.
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Queues', miscLinks: [{ text: 'Log out', url: LOGOUT_PATH }] } },
  });
  // The board's own error handler answers 500 with the error's message (an ioredis one, when Redis is
  // away): rethrown instead, its errors reach the last handler below.
  adapter.setErrorHandler((error: Error) => {
    throw error;
  });
  app.use(
    QUEUE_BOARD_PATH,
    authenticate(sessions, config, fail),
    redisAvailable(queues, fail),
    adapter.getRouter(),
    (error: unknown, req: Request, res: Response, next: NextFunction) => (res.headersSent ? next(error) : fail(req, res, error)),
  );
}

/**
 * Who is asking: a bearer token, else the session cookie. Nobody: a browser navigating to a page is sent
 * to the login form, anything else gets 401. A session's writes (the board's retry, clean, pause...)
 * must come from our own pages (Origin check).
 */
function authenticate(sessions: QueueBoardSessions, config: AppConfig, fail: (req: Request, res: Response, error: unknown) => void) {
  return (req: BoardRequest, res: Response, next: NextFunction): void => {
    res.setHeader('X-Frame-Options', 'DENY');
    const bearer = req.headers.authorization;
    const work = async (): Promise<void> => {
      if (bearer !== undefined) {
        const match = BEARER.exec(bearer);
        if (!match) throw unauthorized('A valid bearer token is required');
        req.principal = await sessions.principalForToken(match[1]);
        return next();
      }
      const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
      const principal = cookie === undefined ? undefined : await sessions.principalFor(cookie);
      if (!principal) {
        if (cookie !== undefined) res.clearCookie(SESSION_COOKIE, cookieOptions(req));
        if (boardRequestKind(req.method, req.path) === 'page' && wantsHtml(req.headers.accept)) {
          return res.redirect(303, `${LOGIN_PATH}?next=${encodeURIComponent(safeNext(req.originalUrl, QUEUE_BOARD_PATH))}`);
        }
        throw unauthorized('Log in at /admin/login, or send an administrator\'s bearer token');
      }
      if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !isSameOrigin(req.headers, allowedOrigins(req, config))) {
        throw forbidden('The board only takes changes from its own pages');
      }
      req.principal = principal;
      next();
    };
    work().catch((error) => fail(req, res, error));
  };
}

/**
 * Bull Board reads Redis on every call, and Bull's client would hold a call until Redis came back: while
 * Redis is away, answer 503 at once instead (and never pass an ioredis message on).
 */
function redisAvailable(queues: Queue[], fail: (req: Request, res: Response, error: unknown) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (queues.some((queue) => queue.client.status !== 'ready')) return fail(req, res, redisAway());
    withTimeout(Promise.all(queues.map((queue) => queue.client.ping())), REDIS_CHECK_TIMEOUT_MS, 'Redis').then(
      () => next(),
      () => fail(req, res, redisAway()),
    );
  };
}

function sendPage(res: Response, status: number, html: string, headers: Record<string, string> = {}): void {
  res.status(status).set({ ...LOGIN_PAGE_HEADERS, ...headers }).send(html);
}

/**
 * GET /admin/login: the form. POST /admin/login (urlencoded `token`, `next`): from our own page only
 * (Origin/Referer), counted per address, an administrator's token → session cookie and 303 to the board.
 * A refusal is the form again with the reason (problem details for a client that does not ask for HTML).
 */
function loginRoutes(sessions: QueueBoardSessions, config: AppConfig, fail: (req: Request, res: Response, error: unknown) => void): Router {
  const router = Router({ strict: true });
  const form = (req: Request, res: Response, status: number, next: string, message?: { kind: 'error' | 'info'; text: string }, headers?: Record<string, string>) =>
    sendPage(res, status, renderLoginPage({ action: LOGIN_PATH, next, message }), headers);

  router.get('/', (req, res) => {
    const next = safeNext(req.query.next, QUEUE_BOARD_PATH);
    form(req, res, 200, next, req.query.loggedOut === '1' ? { kind: 'info', text: 'You have logged out.' } : undefined);
  });
  router.post('/', express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next, QUEUE_BOARD_PATH);
    const work = async () => {
      if (!isSameOrigin(req.headers, allowedOrigins(req, config))) throw forbidden('Log in from the login page of this site');
      const token = typeof body.token === 'string' ? body.token.trim() : '';
      const session = await sessions.login(token, req.ip ?? 'unknown');
      res.cookie(SESSION_COOKIE, session.id, { ...cookieOptions(req), maxAge: session.maxAgeMs });
      res.redirect(303, next);
    };
    work().catch((error: unknown) => {
      const problem = asProblem(error);
      if (!(problem instanceof ProblemError) || !wantsHtml(req.headers.accept)) return fail(req, res, problem);
      form(req, res, problem.status, next, { kind: 'error', text: problem.detail }, problem.headers);
    });
  });
  // a body the form parser refused (too large, too many fields)
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => (res.headersSent ? next(error) : fail(req, res, error)));
  return router;
}

/** GET /admin/logout: a confirmation with a button. POST /admin/logout: from our own page, ends the session. */
function logoutRoutes(sessions: QueueBoardSessions, config: AppConfig, fail: (req: Request, res: Response, error: unknown) => void): Router {
  const router = Router({ strict: true });
  router.get('/', (_req, res) => sendPage(res, 200, renderLogoutPage({ action: LOGOUT_PATH, boardPath: QUEUE_BOARD_PATH })));
  router.post('/', (req, res) => {
    const work = async () => {
      if (!isSameOrigin(req.headers, allowedOrigins(req, config))) throw forbidden('Log out from the logout page of this site');
      await sessions.logout(readCookie(req.headers.cookie, SESSION_COOKIE));
      res.clearCookie(SESSION_COOKIE, cookieOptions(req));
      res.redirect(303, `${LOGIN_PATH}?loggedOut=1`);
    };
    work().catch((error: unknown) => fail(req, res, error));
  });
  return router;
}
