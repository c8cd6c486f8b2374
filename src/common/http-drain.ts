import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_TYPE_BASE } from './problem.js';
import { ProblemCode } from './problem-codes.js';

export interface DrainResult {
  /** Requests still unanswered at the deadline, whose connections were cut. */
  cut: number;
  /** Requests that arrived on a new connection after the drain began, answered 503. */
  refused: number;
  ms: number;
}

const ACCEPTED_WHILE_DRAINING = Symbol('acceptedWhileDraining');
type TaggedSocket = Socket & { [ACCEPTED_WHILE_DRAINING]?: true };

/**
 * Graceful shutdown of a Node `http.Server` (whatever framework answers its requests): on `drain()`,
 * - every response not yet started, in flight or to come, carries `Connection: close`, so each
 *   keep-alive client is told on its next answer, and Node closes the connection once that answer is sent;
 * - a request on a connection opened after the drain began is answered 503 problem details with
 *   `Connection: close` and `Retry-After` (the process is going away; another one should take it);
 * - after `graceMs` (or at once when no connection is open) the server stops listening and closes the
 *   connections that are idle, then again every 100 ms as in-flight answers finish;
 * - at `deadlineMs` it closes every connection still open (what was not answered by then is cut).
 * Closing idle keep-alive connections at the very start would race with clients sending their next
 * request on them (a request in the socket, not yet read, looks idle): the grace lets those be answered.
 */
export class HttpDrain {
  private draining = false;
  private refused = 0;
  private readonly sockets = new Set<TaggedSocket>();
  private readonly inFlight = new Set<ServerResponse>();

  constructor(private readonly server: Server) {
    const listeners = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res, listeners));
    server.on('connection', (socket: TaggedSocket) => {
      if (this.draining) socket[ACCEPTED_WHILE_DRAINING] = true;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse, listeners: RequestListener[]): void {
    if (this.draining) {
      res.setHeader('Connection', 'close');
      if ((req.socket as TaggedSocket)[ACCEPTED_WHILE_DRAINING]) return this.refuse(req, res);
    }
    this.inFlight.add(res);
    res.once('close', () => this.inFlight.delete(res));
    for (const listener of listeners) listener.call(this.server, req, res);
  }

  private refuse(req: IncomingMessage, res: ServerResponse): void {
    this.refused++;
    const body = JSON.stringify({
      type: PROBLEM_TYPE_BASE + ProblemCode.ShuttingDown,
      title: 'Service unavailable',
      status: 503,
      detail: 'This process is shutting down: send the request again (another process will take it)',
      instance: (req.url ?? '').split('?')[0],
    });
    res.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '1', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    req.resume();
  }

  /** Resolves once every connection is closed (or cut at the deadline). */
  async drain({ graceMs, deadlineMs }: { graceMs: number; deadlineMs: number }): Promise<DrainResult> {
    const started = Date.now();
    this.draining = true;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    const closed = new Promise<void>((resolve) => this.server.once('close', () => resolve()));

    // the grace: answers go out with Connection: close; ends early once no connection is left
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (this.sockets.size === 0 || Date.now() - started >= graceMs) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });

    this.server.close(); // stop listening; Node closes the idle connections too
    this.server.closeIdleConnections();
    const sweep = setInterval(() => this.server.closeIdleConnections(), 100);
    let cut = 0;
    const deadline = setTimeout(() => {
      cut = this.inFlight.size;
      this.server.closeAllConnections();
    }, Math.max(0, deadlineMs - (Date.now() - started)));
    try {
      await closed;
    } finally {
      clearInterval(sweep);
      clearTimeout(deadline);
    }
    return { cut, refused: this.refused, ms: Date.now() - started };
  }
}
