import { OutageLog, postgresFailure } from './outages.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('postgresFailure: which errors mean PostgreSQL could not be reached', () => {
  it.each([
    [withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'), 'unreachable'],
    [new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed'), 'unreachable'],
    [withCode('ENOTFOUND'), 'unreachable'],
    [withCode('57P03', 'the database system is starting up'), 'unreachable'],
    [withCode('08001'), 'unreachable'],
    [new Error('Connection terminated due to connection timeout'), 'unreachable'],
    [new Error('timeout exceeded when trying to connect'), 'pool-timeout'],
    [Object.assign(new Error('terminating connection due to administrator command'), { driverError: withCode('57P01') }), 'lost'],
    [withCode('57P02'), 'lost'],
    [withCode('08006'), 'lost'],
    [withCode('ECONNRESET'), 'lost'],
    [new Error('Connection terminated unexpectedly'), 'lost'],
    [new Error('Client has encountered a connection error and is not queryable'), 'lost'],
  ])('%s → %s', (error, kind) => {
    expect(postgresFailure(error)).toBe(kind);
  });

  it.each([
    [withCode('23505', 'duplicate key')],
    [Object.assign(new Error('deadlock detected'), { driverError: withCode('40P01') })],
    [withCode('57014', 'canceling statement due to statement timeout')],
    [new TypeError('x is undefined')],
    ['a string'],
    [undefined],
  ])('%s → not a connection failure', (error) => {
    expect(postgresFailure(error)).toBeUndefined();
  });
});

describe('OutageLog: one line when an outage starts, a reminder per interval, one when it ends', () => {
  it('logs the first failure, stays quiet for the interval, then reminds with the count refused meanwhile', () => {
    let now = 0;
    const log = new OutageLog(60_000, () => now);
    expect(log.failed('postgres', 'refused')).toEqual({ level: 'error', message: expect.stringMatching(/^PostgreSQL unreachable/), fields: expect.objectContaining({ dependency: 'postgres' }) });
    const lines = [];
    for (let i = 0; i < 1000; i++) {
      now += 100; // 1,000 refused requests over 100 s
      lines.push(log.failed('postgres', 'refused'));
    }
    const reminders = lines.filter(Boolean);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toEqual({ level: 'warn', message: 'PostgreSQL still unreachable', fields: expect.objectContaining({ downForMs: 60_000, refusedSinceLastLine: 600 }) });
    expect(log.isDown('postgres')).toBe(true);
    expect(log.answered('postgres')).toEqual({ level: 'info', message: 'PostgreSQL is back', fields: expect.objectContaining({ downForMs: 100_000, refusedSinceLastLine: 400 }) });
    expect(log.isDown('postgres')).toBe(false);
    expect(log.answered('postgres')).toBeUndefined();
  });

  it('keeps each dependency apart', () => {
    const log = new OutageLog(1000, () => 0);
    expect(log.failed('redis', 'x')?.message).toMatch(/^Redis unreachable/);
    expect(log.failed('postgres', 'x')?.message).toMatch(/^PostgreSQL unreachable/);
    expect(log.failed('redis', 'x')).toBeUndefined();
    expect(log.answered('redis')?.message).toBe('Redis is back');
    expect(log.isDown('postgres')).toBe(true);
  });
});
