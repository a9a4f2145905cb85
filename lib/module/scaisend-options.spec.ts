import { resolveScaiSendOptions, ScaiSendOptionsError } from './scaisend-options.js';
import type { ScaiSendModuleOptions } from './scaisend-options.interface.js';

const VALID: ScaiSendModuleOptions = { queue: { redis: { host: '127.0.0.1', port: 6379 } }, secretKey: 'k'.repeat(32) };

describe('resolveScaiSendOptions', () => {
  it('applies the defaults', () => {
    const options = resolveScaiSendOptions(VALID);

    expect(options.mxPort).toBe(25);
    expect(options.spfMechanisms).toBe('a mx');
    expect(options.webhookAllowPrivate).toBe(false);
    expect(options.deliveryRetryDelays).toEqual([60, 300, 900, 1800, 3600, 7200, 14400, 28800]);
    expect(options.deliveryMaxAgeSeconds).toBe(259_200);
    expect(options.webhookRetryDelays).toEqual([60, 300, 900, 3600, 7200]);
    expect(options.publicUrl).toBe('http://localhost:3000');
    expect(options.heloName).toBe('localhost');
  });

  it('lists every problem in one error', () => {
    const invalid = {
      queue: {},
      secretKey: 'short',
      publicUrl: 'ftp://example.com',
      smtpRelayUrl: 'http://relay',
      mxPort: 70000,
      deliveryRetryDelays: [],
      webhookRetryDelays: [-1],
    } as unknown as ScaiSendModuleOptions;

    let error: ScaiSendOptionsError | undefined;
    try {
      resolveScaiSendOptions(invalid);
    } catch (caught) {
      error = caught as ScaiSendOptionsError;
    }

    expect(error).toBeInstanceOf(ScaiSendOptionsError);
    expect(error?.problems.map((problem) => problem.split(':')[0])).toEqual([
      'queue',
      'secretKey',
      'publicUrl',
      'smtpRelayUrl',
      'mxPort',
      'deliveryRetryDelays',
      'webhookRetryDelays',
    ]);
    expect(error?.message).toContain('  - secretKey: must be a string of at least 32 characters');
  });

  it('accepts a PostgreSQL queue connection', () => {
    expect(resolveScaiSendOptions({ ...VALID, queue: { postgres: 'postgres://127.0.0.1/db' } }).queue).toEqual({ postgres: 'postgres://127.0.0.1/db' });
  });

  describe('rateLimits', () => {
    it('merges rules over the defaults', () => {
      const { rateLimits } = resolveScaiSendOptions({ ...VALID, rateLimits: { mail_send: { limit: 50, windowSeconds: 1 } } });

      expect(rateLimits).toEqual({
        mail_send: { limit: 50, windowSeconds: 1 },
        webhook_create: { limit: 10, windowSeconds: 60 },
        api_key_create: { limit: 10, windowSeconds: 60 },
        messages_list: { limit: 100, windowSeconds: 1 },
        default: { limit: 1000, windowSeconds: 1 },
      });
    });

    it('keeps false', () => {
      expect(resolveScaiSendOptions({ ...VALID, rateLimits: false }).rateLimits).toBe(false);
    });

    it('names each invalid rule', () => {
      const rateLimits = { mail_send: { limit: 0, windowSeconds: 1 }, default: { limit: 5, windowSeconds: -1 }, search: { limit: 1, windowSeconds: 1 } };

      const error = catchError(() => resolveScaiSendOptions({ ...VALID, rateLimits } as unknown as ScaiSendModuleOptions));

      expect(error?.problems).toEqual([
        'rateLimits.mail_send.limit: must be a whole number of requests, at least 1',
        'rateLimits.default.windowSeconds: must be a positive number of seconds',
        'rateLimits.search: unknown route class; expected one of mail_send, webhook_create, api_key_create, messages_list, default',
      ]);
    });
  });
});

function catchError(run: () => unknown): ScaiSendOptionsError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ScaiSendOptionsError) return error;
    throw error;
  }
  return undefined;
}
