/** One line to log about a dependency's outage. */
export interface OutageLine {
  level: 'warn' | 'info';
  message: string;
  fields: Record<string, unknown>;
}

/**
 * What to log about a dependency (Redis, PostgreSQL, a receiver) that fails again and again: one line
 * when it starts failing, a reminder at most every `reminderIntervalMs` while it keeps failing, and one
 * line when it is back. Every failure in between is only counted, so an outage costs a few lines instead
 * of one per reconnection attempt, request or sweep. Pure: the caller logs the lines it returns.
 */
export class OutageLog {
  private since: number | undefined;
  private lastLineAt = 0;
  private failuresSinceLine = 0;
  private failures = 0;

  constructor(
    readonly dependency: string,
    private readonly reminderIntervalMs: number,
  ) {}

  /** Whether the dependency is failing now (a failure was seen and no recovery since). */
  get failing(): boolean {
    return this.since !== undefined;
  }

  /** A failure: the first line of an outage, a reminder when one is due, or nothing. */
  failure(reason: string, now = Date.now()): OutageLine | undefined {
    this.failures += 1;
    this.failuresSinceLine += 1;
    if (this.since === undefined) {
      this.since = now;
      return this.line('warn', `${this.dependency} unreachable`, { reason }, now);
    }
    if (now - this.lastLineAt < this.reminderIntervalMs) return undefined;
    return this.line('warn', `${this.dependency} still unreachable`, { reason, downForSeconds: this.downFor(now), failures: this.failuresSinceLine }, now);
  }

  /** The dependency answers again: the outage's last line, or nothing when there was no outage. */
  recovered(now = Date.now()): OutageLine | undefined {
    if (this.since === undefined) return undefined;
    const line: OutageLine = { level: 'info', message: `${this.dependency} is back`, fields: { downForSeconds: this.downFor(now), failures: this.failures } };
    this.since = undefined;
    this.failures = 0;
    this.failuresSinceLine = 0;
    return line;
  }

  private line(level: OutageLine['level'], message: string, fields: Record<string, unknown>, now: number): OutageLine {
    this.lastLineAt = now;
    this.failuresSinceLine = 0;
    return { level, message, fields };
  }

  private downFor(now: number): number {
    return Math.round((now - (this.since ?? now)) / 1000);
  }
}
