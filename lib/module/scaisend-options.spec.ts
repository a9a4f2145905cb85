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
});
