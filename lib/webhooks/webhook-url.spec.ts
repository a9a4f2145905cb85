import type { LookupAddress } from 'node:dns';
import { checkWebhookUrlSyntax, isPublicAddress, resolveWebhookTarget, WebhookTargetError, type LookupFn } from './webhook-url.js';

// Every address below is only a string given to the classifier or returned by a fake lookup.
// No test opens a socket.

/** A lookup that returns fixed addresses and records the names it was called with. */
function fakeLookup(answers: LookupAddress[]): LookupFn & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string): Promise<LookupAddress[]> => {
    calls.push(hostname);
    return answers;
  };
  return Object.assign(lookup, { calls });
}

describe('isPublicAddress', () => {
  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '240.0.0.1',
    '255.255.255.255',
    '192.0.2.10',
    '198.18.0.1',
    '::',
    '::1',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    '64:ff9b::a00:1',
    '2002:c0a8:101::1',
    '2001:db8::1',
    '2001::1',
    'fe80::1%eth0',
    'not-an-ip',
    '',
  ])('%s is not public', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:93.184.216.34', '64:ff9b::808:808', '2a00:1450::1'])(
    '%s is public',
    (ip) => {
      expect(isPublicAddress(ip)).toBe(true);
    },
  );
});

describe('checkWebhookUrlSyntax', () => {
  it.each([
    'https://hooks.example.com/scaisend',
    'https://hooks.example.com:8443/path?token=abc',
    'https://93.184.216.34/hook',
    'https://[2606:4700::1111]/hook',
  ])('accepts %s', (url) => {
    expect(checkWebhookUrlSyntax(url, false)).toBeNull();
  });

  it.each([
    ['not a url', 'not a valid absolute URL'],
    ['/relative/path', 'not a valid absolute URL'],
    ['ftp://hooks.example.com/', 'scheme "ftp:"'],
    ['javascript:alert(1)', 'scheme "javascript:"'],
    ['http://hooks.example.com/', 'must use https'],
    ['https://user:pass@hooks.example.com/', 'username or password'],
    ['https://user@hooks.example.com/', 'username or password'],
    ['https://127.0.0.1/', 'not a public IP address'],
    ['https://2130706433/', 'not a public IP address'],
    ['https://10.0.0.1/', 'not a public IP address'],
    ['https://169.254.169.254/latest', 'not a public IP address'],
    ['https://[::1]/', 'not a public IP address'],
    ['https://[::ffff:127.0.0.1]/', 'not a public IP address'],
    ['https://[fe80::1]/', 'not a public IP address'],
    ['https://localhost/', 'local name'],
    ['https://LOCALHOST./', 'local name'],
    ['https://api.localhost/', 'local name'],
  ])('rejects %s', (url, message) => {
    expect(checkWebhookUrlSyntax(url, false)).toContain(message);
  });

  it.each(['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'https://[::1]/hook', 'http://10.0.0.1/'])(
    'accepts %s when private targets are allowed',
    (url) => {
      expect(checkWebhookUrlSyntax(url, true)).toBeNull();
    },
  );

  it.each(['ftp://127.0.0.1/', 'https://user:pass@localhost/', 'not a url'])(
    'rejects %s even when private targets are allowed',
    (url) => {
      expect(checkWebhookUrlSyntax(url, true)).not.toBeNull();
    },
  );
});

describe('resolveWebhookTarget', () => {
  it('returns a literal IP without a lookup', async () => {
    const lookup = fakeLookup([]);

    await expect(resolveWebhookTarget('https://[2606:4700::1111]/hook', false, lookup)).resolves.toEqual({
      address: '2606:4700::1111',
      family: 6,
    });
    expect(lookup.calls).toEqual([]);
  });

  it('returns the first public address', async () => {
    const lookup = fakeLookup([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]);

    await expect(resolveWebhookTarget('https://hooks.example.com/', false, lookup)).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
    expect(lookup.calls).toEqual(['hooks.example.com']);
  });

  it('rejects a name resolving to loopback', async () => {
    const lookup = fakeLookup([{ address: '127.0.0.1', family: 4 }]);

    const result = resolveWebhookTarget('https://hooks.example.com/', false, lookup);

    await expect(result).rejects.toBeInstanceOf(WebhookTargetError);
    await expect(result).rejects.toMatchObject({ code: 'non_public_address' });
    await expect(result).rejects.toThrow('resolves to 127.0.0.1');
  });

  it('rejects when any answer is private', async () => {
    const lookup = fakeLookup([
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.1', family: 4 },
    ]);

    await expect(resolveWebhookTarget('https://hooks.example.com/', false, lookup)).rejects.toThrow('resolves to 10.0.0.1');
  });

  it('rejects a mapped IPv6 loopback answer', async () => {
    const lookup = fakeLookup([{ address: '::ffff:127.0.0.1', family: 6 }]);

    await expect(resolveWebhookTarget('https://hooks.example.com/', false, lookup)).rejects.toMatchObject({
      code: 'non_public_address',
    });
  });

  it('accepts a private answer when allowed', async () => {
    const lookup = fakeLookup([{ address: '10.0.0.1', family: 4 }]);

    await expect(resolveWebhookTarget('http://hooks.internal/', true, lookup)).resolves.toEqual({
      address: '10.0.0.1',
      family: 4,
    });
  });

  it('rejects invalid syntax before any lookup', async () => {
    const lookup = fakeLookup([{ address: '93.184.216.34', family: 4 }]);

    await expect(resolveWebhookTarget('http://hooks.example.com/', false, lookup)).rejects.toMatchObject({
      code: 'invalid_url',
    });
    expect(lookup.calls).toEqual([]);
  });

  it('wraps a failed lookup', async () => {
    const lookup: LookupFn = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.com'), { code: 'ENOTFOUND' });
    };

    const result = resolveWebhookTarget('https://hooks.example.com/', false, lookup);

    await expect(result).rejects.toMatchObject({ code: 'lookup_failed' });
    await expect(result).rejects.toThrow('could not be resolved: getaddrinfo ENOTFOUND');
  });

  it('rejects an empty answer', async () => {
    await expect(resolveWebhookTarget('https://hooks.example.com/', false, fakeLookup([]))).rejects.toMatchObject({
      code: 'lookup_failed',
    });
  });
});
