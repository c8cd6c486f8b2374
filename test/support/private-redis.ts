import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { freePort } from './child-service.js';

/**
 * A private redis-server on a free port (never the shared one, which other test runs use): started,
 * stopped and started again on the same port, and flushed, as fault drills need.
 */
export class PrivateRedis {
  private child?: ChildProcess;
  private chosenPort?: number;

  /** `port`: a fixed port; by default a free one is chosen at the first start. */
  constructor(port?: number) {
    this.chosenPort = port;
  }

  get port(): number {
    if (this.chosenPort === undefined) throw new Error('PrivateRedis: start() it before asking for its port');
    return this.chosenPort;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return; // already up
    if (this.chosenPort !== undefined) return this.startOn(this.chosenPort);
    // a free port may be taken by another test run between choosing it and redis-server binding it
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        await this.startOn(port);
        this.chosenPort = port;
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
  }

  private async startOn(port: number): Promise<void> {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.child = child;
    const deadline = Date.now() + 10_000;
    while ((await this.command('PING', port)) !== '+PONG') {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    // the PONG must be this child's, not another test run's Redis that took the port first
    if ((await this.processId(port)) !== child.pid) {
      child.kill('SIGKILL');
      throw new Error(`port ${port} is another Redis's`);
    }
  }

  private processId(port: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      let reply = '';
      const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write('INFO server\r\n'));
      socket.on('data', (data) => {
        reply += data.toString();
        const match = /process_id:(\d+)/.exec(reply);
        if (match) {
          socket.destroy();
          resolve(Number(match[1]));
        }
      });
      socket.once('error', () => resolve(undefined));
      socket.once('close', () => resolve(undefined));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  /** Everything this Redis holds is gone, as when it restarts without persistence. */
  async flushAll(): Promise<void> {
    const reply = await this.command('FLUSHALL');
    if (reply !== '+OK') throw new Error(`FLUSHALL answered ${reply}`);
  }

  /** One inline command; its first reply line, or undefined when nothing answers. */
  private command(command: string, port = this.port): Promise<string | undefined> {
    return new Promise((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write(`${command}\r\n`));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().split('\r\n')[0]);
      });
      socket.once('error', () => resolve(undefined));
    });
  }
}
