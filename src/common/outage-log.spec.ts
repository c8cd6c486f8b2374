import { OutageLog } from './outage-log.js';

describe('OutageLog', () => {
  it('says an outage started once, reminds at most once per interval, and says when it is over', () => {
    const log = new OutageLog('Redis', 60_000);
    const t0 = 1_000_000;
    const lines = [];
    // a reconnection attempt every 2 s for 5 minutes
    for (let t = t0; t < t0 + 300_000; t += 2000) {
      const line = log.failure('connect ECONNREFUSED 127.0.0.1:6379', t);
      if (line) lines.push(line);
    }
    expect(lines.map((l) => l.message)).toEqual([
      'Redis unreachable',
      'Redis still unreachable',
      'Redis still unreachable',
      'Redis still unreachable',
      'Redis still unreachable',
    ]);
    expect(lines[0]).toEqual({ level: 'warn', message: 'Redis unreachable', fields: { reason: 'connect ECONNREFUSED 127.0.0.1:6379' } });
    expect(lines[1].fields).toEqual({ reason: 'connect ECONNREFUSED 127.0.0.1:6379', downForSeconds: 60, failures: 30 });
    expect(log.failing).toBe(true);

    expect(log.recovered(t0 + 301_000)).toEqual({ level: 'info', message: 'Redis is back', fields: { downForSeconds: 301, failures: 150 } });
    expect(log.failing).toBe(false);
    expect(log.recovered(t0 + 302_000)).toBeUndefined();
  });

  it('starts afresh after a recovery', () => {
    const log = new OutageLog('PostgreSQL', 60_000);
    expect(log.failure('refused', 0)?.message).toBe('PostgreSQL unreachable');
    expect(log.failure('refused', 1000)).toBeUndefined();
    expect(log.recovered(2000)?.message).toBe('PostgreSQL is back');
    expect(log.failure('refused', 3000)?.message).toBe('PostgreSQL unreachable');
  });

  it('says nothing of a recovery when nothing failed', () => {
    expect(new OutageLog('Redis', 1000).recovered()).toBeUndefined();
  });
});
