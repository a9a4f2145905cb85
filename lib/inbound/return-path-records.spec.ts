import { createDnsResolver, type DnsResolver } from '../common/dns-resolver.js';
import { TestDnsServer } from '../../test/support/dns-server.js';
import { returnPathDomain, returnPathRecords, verifyReturnPathRecords } from './return-path-records.js';

describe('returnPathRecords', () => {
  it('lists an MX and an SPF record at the bounces subdomain', () => {
    expect(returnPathRecords('Mail.Acme.Test.', 'Inbound.ScaiSend.Test', 'ip4:192.0.2.1 include:relay.test')).toEqual([
      { type: 'MX', host: 'bounces.mail.acme.test', value: '10 inbound.scaisend.test', purpose: 'return_path' },
      { type: 'TXT', host: 'bounces.mail.acme.test', value: 'v=spf1 ip4:192.0.2.1 include:relay.test ~all', purpose: 'return_path' },
    ]);
  });

  it('anchors bare a, mx and ptr mechanisms at the sender domain', () => {
    const [, spf] = returnPathRecords('acme.test', 'inbound.test', 'a mx -a/24 ~mx//64 a:other.test ptr exists:%{i}.spf.test');

    expect(spf.value).toBe('v=spf1 a:acme.test mx:acme.test -a:acme.test/24 ~mx:acme.test//64 a:other.test ptr:acme.test exists:%{i}.spf.test ~all');
  });

  it('rejects mechanisms with a version or an all term', () => {
    expect(() => returnPathRecords('acme.test', 'inbound.test', 'v=spf1 mx')).toThrow(TypeError);
    expect(() => returnPathRecords('acme.test', 'inbound.test', 'mx -all')).toThrow(TypeError);
  });

  it('names the return-path domain', () => {
    expect(returnPathDomain('Acme.Test.')).toBe('bounces.acme.test');
  });
});

describe('verifyReturnPathRecords', () => {
  const records = returnPathRecords('acme.test', 'inbound.scaisend.test', 'a mx');
  let server: TestDnsServer;
  let resolver: DnsResolver;

  beforeAll(async () => {
    server = await TestDnsServer.start();
    resolver = createDnsResolver([server.address]);
  });

  afterEach(() => server.clear());

  afterAll(() => server.stop());

  it('passes published records', async () => {
    server.setMx('bounces.acme.test', [{ exchange: 'Inbound.ScaiSend.Test', priority: 20 }]);
    server.setTxt('bounces.acme.test', ['v=spf1 a:acme.test mx:acme.test -all']);

    await expect(verifyReturnPathRecords(records, resolver)).resolves.toEqual({ verified: true, errors: [], valid: { return_path: true } });
  });

  it('reports a missing name for both records', async () => {
    const result = await verifyReturnPathRecords(records, resolver);

    expect(result.verified).toBe(false);
    expect(result.valid).toEqual({ return_path: false });
    expect(result.errors).toEqual([
      { purpose: 'return_path', host: 'bounces.acme.test', expected: '10 inbound.scaisend.test', found: null, message: expect.stringContaining('No MX record found at bounces.acme.test') },
      { purpose: 'return_path', host: 'bounces.acme.test', expected: 'v=spf1 a:acme.test mx:acme.test ~all', found: null, message: expect.stringContaining('No SPF record') },
    ]);
  });

  it('reports an MX record that points elsewhere', async () => {
    server.setMx('bounces.acme.test', [{ exchange: 'mx.elsewhere.test', priority: 10 }]);
    server.setTxt('bounces.acme.test', ['v=spf1 a:acme.test mx:acme.test ~all']);

    const result = await verifyReturnPathRecords(records, resolver);

    expect(result.errors).toEqual([
      expect.objectContaining({ found: '10 mx.elsewhere.test', message: expect.stringContaining('do not point at inbound.scaisend.test') }),
    ]);
  });

  it('reports an SPF record without the sending hosts', async () => {
    server.setMx('bounces.acme.test', [{ exchange: 'inbound.scaisend.test', priority: 10 }]);
    server.setTxt('bounces.acme.test', ['v=spf1 a mx ~all']);

    const result = await verifyReturnPathRecords(records, resolver);

    expect(result.errors).toEqual([
      expect.objectContaining({ purpose: 'return_path', found: 'v=spf1 a mx ~all', message: expect.stringContaining('does not authorise a:acme.test mx:acme.test') }),
    ]);
  });

  it('reports a failed look-up', async () => {
    server.setServfail('bounces.acme.test');

    const result = await verifyReturnPathRecords(records, resolver);

    expect(result.errors).toHaveLength(2);
    expect(result.errors[0].message).toContain('DNS look-up of MX records at bounces.acme.test failed (ESERVFAIL)');
  });

  it('ignores records of other purposes', async () => {
    const result = await verifyReturnPathRecords([{ type: 'TXT', host: 'acme.test', value: 'v=spf1 mx ~all', purpose: 'spf' }], resolver);

    expect(result).toEqual({ verified: false, errors: [], valid: {} });
  });
});
