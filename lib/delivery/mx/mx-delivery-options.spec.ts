import { mxDeliveryOptionProblems, resolveTimeouts } from './mx-delivery-options.js';

describe('mxDeliveryOptionProblems', () => {
  it('accepts valid options', () => {
    expect(
      mxDeliveryOptionProblems({
        requireTls: true,
        timeouts: { dataMs: 300_000 },
        concurrency: { default: 10, perDomain: { 'gmail.com': 20 } },
        ratePerMinute: { perDomain: { 'yahoo.com': 120 } },
        throttle: { maxWaitMs: 0, increaseAfter: 5 },
        connectionPool: { idleTimeoutMs: 0 },
      }),
    ).toEqual([]);
  });

  it('lists every problem', () => {
    expect(
      mxDeliveryOptionProblems({
        concurrency: { default: 0, perDomain: { 'Gmail.com': 2.5 } },
        timeouts: { connectMs: -1 },
        throttle: { increaseAfter: 0 },
        connectionPool: { maxTransactionsPerSession: Number.NaN },
      }),
    ).toEqual([
      'mxDelivery.concurrency.default: must be a positive integer, got 0',
      'mxDelivery.concurrency.perDomain: domain "Gmail.com" must be lowercase',
      'mxDelivery.concurrency.perDomain["Gmail.com"]: must be a positive integer, got 2.5',
      'mxDelivery.timeouts.connectMs: must be a number >= 1, got -1',
      'mxDelivery.throttle.increaseAfter: must be a number >= 1, got 0',
      'mxDelivery.connectionPool.maxTransactionsPerSession: must be a number >= 1, got NaN',
    ]);
  });
});

describe('resolveTimeouts', () => {
  it('applies the defaults', () => {
    expect(resolveTimeouts(undefined)).toEqual({ connectMs: 30_000, handshakeMs: 60_000, envelopeMs: 120_000, dataMs: 600_000 });
  });

  it('takes connectionTimeoutMs for the connect phase', () => {
    expect(resolveTimeouts({ dataMs: 1000 }, 5000)).toEqual({ connectMs: 5000, handshakeMs: 60_000, envelopeMs: 120_000, dataMs: 1000 });
  });

  it('prefers timeouts.connectMs', () => {
    expect(resolveTimeouts({ connectMs: 1000 }, 5000).connectMs).toBe(1000);
  });
});
