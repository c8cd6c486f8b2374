import { TimeoutError, withTimeout } from './with-timeout.js';

describe('withTimeout', () => {
  it('answers what the work answers in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 50, 'Redis')).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('refused')), 50, 'Redis')).rejects.toThrow('refused');
  });

  it('rejects with a TimeoutError naming what did not answer', async () => {
    const never = new Promise<number>(() => undefined);
    const error = await withTimeout(never, 10, 'Redis').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('Redis did not answer within 10 ms');
  });

  it('leaves no unhandled rejection when the work fails after the timeout', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const late = new Promise<number>((_, reject) => setTimeout(() => reject(new Error('late')), 20));
      await expect(withTimeout(late, 5, 'Redis')).rejects.toBeInstanceOf(TimeoutError);
      await new Promise((r) => setTimeout(r, 40));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
