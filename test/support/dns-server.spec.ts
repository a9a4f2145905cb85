import { createDnsResolver, type DnsResolver } from '../../lib/common/dns-resolver.js';
import { TestDnsServer } from './dns-server.js';

describe('TestDnsServer', () => {
  let server: TestDnsServer;
  let resolver: DnsResolver;

  beforeAll(async () => {
    server = await TestDnsServer.start();
    resolver = createDnsResolver([server.address]);
  });

  afterEach(() => server.clear());

  afterAll(() => server.stop());

  it('listens on a loopback address with a port', () => {
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.address).not.toBe('127.0.0.1:0');
  });

  it('returns TXT records', async () => {
    server.setTxt('example.test', ['v=spf1 mx ~all', 'other=1']);

    const records = await resolver.resolveTxt('example.test');

    expect(records).toHaveLength(2);
    expect(records).toContainEqual(['v=spf1 mx ~all']);
    expect(records).toContainEqual(['other=1']);
  });

  it('splits long TXT values into 255-byte strings', async () => {
    const value = `v=DKIM1; k=rsa; p=${'A'.repeat(600)}`;
    server.setTxt('scaisend._domainkey.example.test', [value]);

    const [record] = await resolver.resolveTxt('scaisend._domainkey.example.test');

    expect(record.length).toBe(3);
    expect(record[0]).toHaveLength(255);
    expect(record[1]).toHaveLength(255);
    expect(record.join('')).toBe(value);
  });

  it('matches names case-insensitively', async () => {
    server.setTxt('Example.TEST', ['hello']);

    await expect(resolver.resolveTxt('example.test')).resolves.toEqual([['hello']]);
    await expect(resolver.resolveTxt('EXAMPLE.test')).resolves.toEqual([['hello']]);
  });

  it('replaces TXT records on set', async () => {
    server.setTxt('example.test', ['first']);
    await expect(resolver.resolveTxt('example.test')).resolves.toEqual([['first']]);

    server.setTxt('example.test', ['second']);

    await expect(resolver.resolveTxt('example.test')).resolves.toEqual([['second']]);
  });

  it('returns MX records', async () => {
    server.setMx('example.test', [
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
    ]);

    const records = await resolver.resolveMx('example.test');

    expect(records).toHaveLength(2);
    expect(records).toContainEqual({ exchange: 'mx1.example.test', priority: 10 });
    expect(records).toContainEqual({ exchange: 'mx2.example.test', priority: 20 });
  });

  it('returns A records', async () => {
    server.setA('mx1.example.test', ['127.0.0.1', '127.0.0.2']);

    const addresses = await resolver.resolve4('mx1.example.test');

    expect(addresses.sort()).toEqual(['127.0.0.1', '127.0.0.2']);
  });

  it('rejects unknown names with ENOTFOUND', async () => {
    await expect(resolver.resolveTxt('missing.example.test')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });

  it('rejects a missing type with ENODATA', async () => {
    server.setTxt('example.test', ['hello']);

    await expect(resolver.resolveMx('example.test')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve6('example.test')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('rejects names set to SERVFAIL with ESERVFAIL', async () => {
    server.setServfail('broken.example.test');

    await expect(resolver.resolveTxt('broken.example.test')).rejects.toMatchObject({
      code: 'ESERVFAIL',
    });
  });

  it('forgets one name on clear(name)', async () => {
    server.setTxt('a.example.test', ['a']);
    server.setTxt('b.example.test', ['b']);

    server.clear('A.example.test');

    await expect(resolver.resolveTxt('a.example.test')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
    await expect(resolver.resolveTxt('b.example.test')).resolves.toEqual([['b']]);
  });

  it('answers over TCP when UDP is truncated', async () => {
    const values = Array.from({ length: 8 }, (_, index) => `${index}:${'x'.repeat(250)}`);
    server.setTxt('large.example.test', values);

    const records = await resolver.resolveTxt('large.example.test');

    expect(records.map((strings) => strings.join('')).sort()).toEqual([...values].sort());
  });
});
