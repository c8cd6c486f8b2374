import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';

/**
 * A private redis-server on a random port (never the shared one, which other test runs use): started,
 * stopped and started again on the same port, and flushed, as fault drills need.
 */
export class PrivateRedis {
  private child?: ChildProcess;
  constructor(readonly port: number = 30000 + Math.floor(Math.random() * 20000)) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return; // already up
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    while ((await this.command('PING')) !== '+PONG') {
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
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
  private command(command: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      const socket = createConnection({ port: this.port, host: '127.0.0.1' }, () => socket.write(`${command}\r\n`));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().split('\r\n')[0]);
      });
      socket.once('error', () => resolve(undefined));
    });
  }
}
