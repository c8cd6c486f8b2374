import { postgresFailure } from './outages.js';

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
