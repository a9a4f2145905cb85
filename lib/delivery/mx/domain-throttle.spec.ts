import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DomainThrottle, quoteReply, type DomainThrottleSettings, type ThrottleAdmission, type ThrottlePermit } from './domain-throttle.js';
import { MemoryThrottleStore } from './memory-throttle-store.js';

function throttle(overrides: Partial<DomainThrottleSettings> = {}): DomainThrottle {
  return new DomainThrottle({
    store: new MemoryThrottleStore(),
    concurrency: {},
    ratePerMinute: {},
    maxWaitMs: 30_000,
    increaseAfter: 2,
    decreaseCooldownMs: 0,
    stateTtlMs: 3_600_000,
    ...overrides,
  });
}

function permitOf(admission: ThrottleAdmission): ThrottlePermit {
  if (!admission.admitted) throw new Error(`expected an admission, got ${JSON.stringify(admission)}`);
  return admission.permit;
}

class FailingStore extends MemoryThrottleStore {
  override async reserveSend(): Promise<never> {
    throw new Error('store unreachable');
  }
}

class FailingWritesStore extends MemoryThrottleStore {
  override async releaseSlot(): Promise<never> {
    throw new Error('store unreachable');
  }

  override async recordRateLimited(): Promise<never> {
    throw new Error('store unreachable');
  }
}

describe('DomainThrottle', () => {
  let warn: jest.SpiedFunction<Logger['warn']>;
  let log: jest.SpiedFunction<Logger['log']>;
  let error: jest.SpiedFunction<Logger['error']>;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('admits up to the concurrency limit', async () => {
    const limiter = throttle({ concurrency: { default: 2 } });

    const first = await limiter.admit('example.org');
    const second = await limiter.admit('example.org');
    let thirdAdmitted = false;
    const third = limiter.admit('example.org').then((admission) => {
      thirdAdmitted = true;
      return admission;
    });
    await new Promise((resolve) => setImmediate(resolve));

    expect(first.admitted).toBe(true);
    expect(second.admitted).toBe(true);
    expect(thirdAdmitted).toBe(false);

    await permitOf(first).release({ delivered: true });

    expect((await third).admitted).toBe(true);
    limiter.close();
  });

  it('admits waiting sends in arrival order', async () => {
    const limiter = throttle({ concurrency: { default: 1 } });
    const holder = permitOf(await limiter.admit('example.org'));
    const order: string[] = [];

    const waiting = ['a', 'b', 'c'].map((name) =>
      limiter.admit('example.org').then(async (admission) => {
        order.push(name);
        await permitOf(admission).release({ delivered: true });
      }),
    );
    await holder.release({ delivered: true });
    await Promise.all(waiting);

    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('keeps domains apart', async () => {
    const limiter = throttle({ concurrency: { default: 1 } });

    const org = await limiter.admit('example.org');
    const net = await limiter.admit('example.net');

    expect(org.admitted).toBe(true);
    expect(net.admitted).toBe(true);
  });

  it('defers a send beyond the rate wait', async () => {
    const limiter = throttle({ ratePerMinute: { default: 1 } });
    await permitOf(await limiter.admit('example.org')).release({ delivered: true });

    const deferred = await limiter.admit('example.org');

    const waitMs = !deferred.admitted && deferred.cause === 'rate' ? deferred.waitMs : 0;

    expect(deferred).toMatchObject({ admitted: false, cause: 'rate' });
    expect(waitMs).toBeGreaterThan(30_000);
  });

  it('defers a send when slots stay taken', async () => {
    const limiter = throttle({ concurrency: { default: 1 }, maxWaitMs: 50 });
    await limiter.admit('example.org');

    expect(await limiter.admit('example.org')).toEqual({ admitted: false, cause: 'concurrency', concurrency: 1 });
  });

  it('applies per-domain maximums', () => {
    const limiter = throttle({ concurrency: { default: 10, perDomain: { 'gmail.com': 20 } }, ratePerMinute: { perDomain: { 'gmail.com': 1200 } } });

    expect(limiter.policyFor('gmail.com').max).toEqual({ concurrency: 20, ratePerMinute: 1200 });
    expect(limiter.policyFor('example.org').max).toEqual({ concurrency: 10, ratePerMinute: 600 });
  });

  it('halves the limits after a rate-limit reply', async () => {
    const store = new MemoryThrottleStore();
    const limiter = throttle({ store });

    await permitOf(await limiter.admit('example.org')).release({ rateLimitedBy: '421 4.7.0 Try again later, closing connection', delivered: false });

    expect(await store.limits('example.org', limiter.policyFor('example.org'))).toEqual({ concurrency: 5, ratePerMinute: 300 });
    expect(warn).toHaveBeenCalledWith('Throttling example.org: concurrency 10 -> 5, rate 600/min -> 300/min after "421 4.7.0 Try again later, closing connection"');
  });

  it('raises the limits after successes', async () => {
    const store = new MemoryThrottleStore();
    const limiter = throttle({ store });
    await permitOf(await limiter.admit('example.org')).release({ rateLimitedBy: '421 4.7.0 Try again later', delivered: false });

    for (let send = 0; send < 2; send++) await permitOf(await limiter.admit('example.org')).release({ delivered: true });

    expect(await store.limits('example.org', limiter.policyFor('example.org'))).toEqual({ concurrency: 6, ratePerMinute: 360 });
    expect(log).toHaveBeenCalledWith('Easing throttling of example.org: concurrency 5 -> 6, rate 300/min -> 360/min after 2 successful transactions');
  });

  it('ignores failures that are not rate limits', async () => {
    const store = new MemoryThrottleStore();
    const limiter = throttle({ store });

    await permitOf(await limiter.admit('example.org')).release({ delivered: false });

    expect(await store.limits('example.org', limiter.policyFor('example.org'))).toEqual({ concurrency: 10, ratePerMinute: 600 });
    expect(warn).not.toHaveBeenCalled();
  });

  it('rejects when the store fails', async () => {
    await expect(throttle({ store: new FailingStore() }).admit('example.org')).rejects.toThrow('store unreachable');
  });

  it('logs store failures on release', async () => {
    const limiter = throttle({ store: new FailingWritesStore() });

    await permitOf(await limiter.admit('example.org')).release({ rateLimitedBy: '421 4.7.0 Try again later', delivered: false });

    expect(error).toHaveBeenCalledTimes(2);
    expect(error.mock.calls.map(([message]) => message)).toEqual([
      expect.stringMatching(/^Releasing a concurrency slot of example\.org failed/),
      expect.stringMatching(/^Updating the throttling state of example\.org failed: store unreachable/),
    ]);
  });

  it('ends waits on close', async () => {
    const limiter = throttle({ concurrency: { default: 1 } });
    await limiter.admit('example.org');
    const waiting = limiter.admit('example.org');
    await new Promise((resolve) => setImmediate(resolve));

    limiter.close();

    expect(await waiting).toEqual({ admitted: false, cause: 'concurrency', concurrency: 1 });
  });
});

describe('quoteReply', () => {
  it('masks addresses', () => {
    expect(quoteReply('452 4.5.3 <alice@example.org>: too many recipients for ann.lee@example.org')).toBe('452 4.5.3 <address>: too many recipients for <address>');
  });

  it('shortens long replies', () => {
    expect(quoteReply(`421 ${'x'.repeat(300)}`)).toHaveLength(201);
  });
});
