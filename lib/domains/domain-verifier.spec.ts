import { TestDnsServer } from '../../test/support/dns-server.js';
import { createDnsResolver, type DnsResolver } from '../common/dns-resolver.js';
import { generateDkimKeyPair } from './dkim-keys.js';
import { buildDnsRecords, type DnsRecord, type DnsRecordPurpose } from './dns-records.js';
import { verifyDnsRecords } from './domain-verifier.js';

const DOMAIN = 'example.test';
const DKIM_HOST = 'scaisend._domainkey.example.test';
const DMARC_HOST = '_dmarc.example.test';

describe('verifyDnsRecords', () => {
  let server: TestDnsServer;
  let resolver: DnsResolver;
  let publicKey: string;
  let records: DnsRecord[];

  const expectedValue = (purpose: DnsRecordPurpose): string =>
    records.find((record) => record.purpose === purpose)?.value ?? '';

  const publishExpected = (): void => {
    for (const record of records) server.setTxt(record.host, [record.value]);
  };

  const verifyOne = async (purpose: DnsRecordPurpose) => {
    const result = await verifyDnsRecords(
      records.filter((record) => record.purpose === purpose),
      resolver,
    );
    return { ...result, error: result.errors[0] };
  };

  beforeAll(async () => {
    server = await TestDnsServer.start();
    resolver = createDnsResolver([server.address]);
    ({ publicKeyBase64: publicKey } = await generateDkimKeyPair());
    records = buildDnsRecords({
      domain: DOMAIN,
      selector: 'scaisend',
      publicKeyBase64: publicKey,
      spfMechanisms: 'a mx ip4:127.0.0.1',
      dmarcPolicy: 'quarantine',
      dmarcRuaEmail: 'dmarc@example.test',
    });
  });

  beforeEach(() => publishExpected());

  afterEach(() => server.clear());

  afterAll(() => server.stop());

  it('passes the exact records', async () => {
    const result = await verifyDnsRecords(records, resolver);

    expect(result.errors).toEqual([]);
    expect(result.verified).toBe(true);
    expect(result.valid).toEqual({ dkim: true, spf: true, dmarc: true });
  });

  it('passes a DKIM key split into strings', async () => {
    const [published] = await resolver.resolveTxt(DKIM_HOST);
    expect(published.length).toBeGreaterThan(1);

    const { verified } = await verifyOne('dkim');

    expect(verified).toBe(true);
  });

  it('passes DKIM records written differently', async () => {
    const spaced = `${publicKey.slice(0, 120)} ${publicKey.slice(120, 240)}\t${publicKey.slice(240)}`;
    for (const value of [
      `p=${publicKey}`,
      `v=DKIM1;k=RSA;p=${spaced};`,
      `v = DKIM1 ; h=sha256 ; s=email:* ; t=s ; p = ${spaced}`,
    ]) {
      server.setTxt(DKIM_HOST, [value]);

      const { errors } = await verifyOne('dkim');

      expect(errors).toEqual([]);
    }
  });

  it('passes SPF with extra mechanisms', async () => {
    server.setTxt(DOMAIN, [
      'google-site-verification=abc',
      'v=spf1 include:_spf.google.com +a MX ip4:127.0.0.1/32 ip4:192.0.2.10 -all',
    ]);

    const { verified } = await verifyOne('spf');

    expect(verified).toBe(true);
  });

  it('passes SPF split into strings', async () => {
    const extra = Array.from({ length: 20 }, (_, index) => `ip4:192.0.2.${index + 10}`).join(' ');
    const value = `v=spf1 ${extra} a mx ip4:127.0.0.1 ~all`;
    server.setTxt(DOMAIN, [value]);
    const [published] = await resolver.resolveTxt(DOMAIN);
    expect(published.length).toBeGreaterThan(1);

    const { verified } = await verifyOne('spf');

    expect(verified).toBe(true);
  });

  it('passes DMARC with other tag order and spacing', async () => {
    server.setTxt(DMARC_HOST, [
      'v=DMARC1 ;  RUA = mailto:other@example.net, MAILTO:DMARC@example.test!10m ; P=Quarantine; pct=100;',
    ]);

    const { verified } = await verifyOne('dmarc');

    expect(verified).toBe(true);
  });

  it('ignores non-DMARC records at the DMARC host', async () => {
    server.setTxt(DMARC_HOST, ['note=unrelated', expectedValue('dmarc')]);

    const { verified } = await verifyOne('dmarc');

    expect(verified).toBe(true);
  });

  it('reports each missing record once', async () => {
    server.clear();

    const result = await verifyDnsRecords(records, resolver);

    expect(result.verified).toBe(false);
    expect(result.valid).toEqual({ dkim: false, spf: false, dmarc: false });
    expect(result.errors).toHaveLength(3);
    for (const record of records) {
      const error = result.errors.find((candidate) => candidate.purpose === record.purpose);
      expect(error).toMatchObject({ host: record.host, expected: record.value, found: null });
      expect(error?.message).toContain(record.host);
    }
  });

  it('reports missing records at a known name', async () => {
    server.clear(DOMAIN);
    server.setA(DOMAIN, ['127.0.0.1']);
    await expect(resolver.resolveTxt(DOMAIN)).rejects.toMatchObject({ code: 'ENODATA' });

    const { error } = await verifyOne('spf');

    expect(error).toMatchObject({ purpose: 'spf', host: DOMAIN, found: null });
    expect(error.message).toMatch(/No SPF record/);
  });

  it('marks only the failing purpose invalid', async () => {
    server.clear(DMARC_HOST);

    const result = await verifyDnsRecords(records, resolver);

    expect(result.valid).toEqual({ dkim: true, spf: true, dmarc: false });
    expect(result.errors.map((error) => error.purpose)).toEqual(['dmarc']);
  });

  it('fails a different DKIM key', async () => {
    const { publicKeyBase64: otherKey } = await generateDkimKeyPair();
    server.setTxt(DKIM_HOST, [`v=DKIM1; k=rsa; p=${otherKey}`]);

    const { error } = await verifyOne('dkim');

    expect(error.found).toBe(`v=DKIM1; k=rsa; p=${otherKey}`);
    expect(error.message).toMatch(/different public key/);
  });

  it('fails a revoked DKIM key', async () => {
    server.setTxt(DKIM_HOST, ['v=DKIM1; k=rsa; p=']);

    const { error } = await verifyOne('dkim');

    expect(error.message).toMatch(/revoked/);
  });

  it('fails DKIM records that are not RSA email keys', async () => {
    const cases: [string, RegExp][] = [
      [`v=DKIM1; k=ed25519; p=${publicKey}`, /k=ed25519/],
      [`k=rsa; v=DKIM1; p=${publicKey}`, /must start with v=DKIM1/],
      [`v=DKIM2; p=${publicKey}`, /must start with v=DKIM1/],
      [`v=DKIM1; s=tlsrpt; p=${publicKey}`, /excludes email/],
      [`v=DKIM1; h=sha1; p=${publicKey}`, /excludes sha256/],
      [`v=DKIM1; p=${publicKey}; p=${publicKey}`, /not a valid tag list/],
      ['v=DKIM1; k=rsa', /no p= tag/],
    ];
    for (const [value, message] of cases) {
      server.setTxt(DKIM_HOST, [value]);

      const { error } = await verifyOne('dkim');

      expect(error?.message).toMatch(message);
    }
  });

  it('fails two DKIM records at the selector', async () => {
    server.setTxt(DKIM_HOST, [expectedValue('dkim'), expectedValue('dkim')]);

    const { error } = await verifyOne('dkim');

    expect(error.message).toMatch(/exactly one key record/);
    expect(error.found).toBe(`${expectedValue('dkim')} | ${expectedValue('dkim')}`);
  });

  it('fails two SPF records', async () => {
    server.setTxt(DOMAIN, ['v=spf1 a mx ip4:127.0.0.1 ~all', 'v=spf1 include:_spf.example.net ~all']);

    const { error } = await verifyOne('spf');

    expect(error.message).toMatch(/multiple SPF records/);
    expect(error.found?.split(' | ').sort()).toEqual([
      'v=spf1 a mx ip4:127.0.0.1 ~all',
      'v=spf1 include:_spf.example.net ~all',
    ]);
  });

  it('fails SPF ending in +all', async () => {
    for (const value of ['v=spf1 a mx ip4:127.0.0.1 +all', 'v=spf1 a mx ip4:127.0.0.1 all']) {
      server.setTxt(DOMAIN, [value]);

      const { error } = await verifyOne('spf');

      expect(error?.message).toMatch(/\+all/);
    }
  });

  it('fails SPF missing a mechanism', async () => {
    server.setTxt(DOMAIN, ['v=spf1 a ip4:127.0.0.2 ~all']);

    const { error } = await verifyOne('spf');

    expect(error.message).toMatch(/does not authorise mx ip4:127\.0\.0\.1/);
    expect(error.found).toBe('v=spf1 a ip4:127.0.0.2 ~all');
  });

  it('fails SPF mechanisms after the all term', async () => {
    server.setTxt(DOMAIN, ['v=spf1 a -all mx ip4:127.0.0.1']);

    const { error } = await verifyOne('spf');

    expect(error.message).toMatch(/does not authorise mx ip4:127\.0\.0\.1/);
  });

  it('ignores look-alike SPF versions', async () => {
    server.setTxt(DOMAIN, ['v=spf10 a mx ip4:127.0.0.1 ~all']);

    const { error } = await verifyOne('spf');

    expect(error.message).toMatch(/No SPF record/);
    expect(error.found).toBeNull();
  });

  it('fails a different DMARC policy', async () => {
    server.setTxt(DMARC_HOST, ['v=DMARC1; p=none; rua=mailto:dmarc@example.test']);

    const { error } = await verifyOne('dmarc');

    expect(error.message).toMatch(/p=none, expected p=quarantine/);
    expect(error.found).toBe('v=DMARC1; p=none; rua=mailto:dmarc@example.test');
  });

  it('fails DMARC without the report address', async () => {
    server.setTxt(DMARC_HOST, ['v=DMARC1; p=quarantine; rua=mailto:other@example.net']);

    const { error } = await verifyOne('dmarc');

    expect(error.message).toMatch(/mailto:dmarc@example\.test/);
  });

  it('fails two DMARC records', async () => {
    server.setTxt(DMARC_HOST, [expectedValue('dmarc'), 'v=DMARC1; p=reject']);

    const { error } = await verifyOne('dmarc');

    expect(error.message).toMatch(/2 DMARC records/);
  });

  it('fails DMARC records not starting with v=DMARC1', async () => {
    server.setTxt(DMARC_HOST, ['p=quarantine; v=DMARC1; rua=mailto:dmarc@example.test']);

    const { error } = await verifyOne('dmarc');

    expect(error.message).toMatch(/No DMARC record starting with v=DMARC1/);
    expect(error.found).toBe('p=quarantine; v=DMARC1; rua=mailto:dmarc@example.test');
  });

  it('reports a failed look-up with its reason', async () => {
    server.setServfail(DKIM_HOST);

    const { error } = await verifyOne('dkim');

    expect(error).toMatchObject({ purpose: 'dkim', host: DKIM_HOST, found: null });
    expect(error.message).toMatch(/look-up of TXT records at .* failed because .*SERVFAIL/);
  });

  it('reports CNAME records as not supported', async () => {
    const returnPath: DnsRecord = {
      type: 'CNAME',
      host: `bounces.${DOMAIN}`,
      value: 'bounces.scaisend.test',
      purpose: 'return_path',
    };

    const result = await verifyDnsRecords([returnPath], resolver);

    expect(result.verified).toBe(false);
    expect(result.valid).toEqual({ return_path: false });
    expect(result.errors[0].message).toMatch(/not supported/);
  });

  it('does not verify an empty record list', async () => {
    const result = await verifyDnsRecords([], resolver);

    expect(result).toEqual({ verified: false, errors: [], valid: {} });
  });
});
