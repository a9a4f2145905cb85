import { TimeLimit, TimeLimitExceededError } from './time-limit.js';

describe('TimeLimit', () => {
  const limit = new TimeLimit(50);

  it('returns the result of a task', () => {
    expect(limit.run(() => 'done')).toBe('done');
  });

  it('stops a task that runs too long', () => {
    expect(() =>
      limit.run(() => {
        for (;;) {
          // Spins until the watchdog terminates it.
        }
      }),
    ).toThrow(TimeLimitExceededError);
  });

  it('passes other errors through', () => {
    expect(() =>
      limit.run(() => {
        throw new RangeError('bad value');
      }),
    ).toThrow('bad value');
  });

  it('runs again after a timeout', () => {
    expect(() => limit.run(() => { for (;;) { /* spins */ } })).toThrow('timed out after 50 ms');
    expect(limit.run(() => 42)).toBe(42);
  });
});
