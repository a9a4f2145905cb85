import { buildDnsRecords, type DnsRecordsInput } from './dns-records.js';

const input: DnsRecordsInput = {
  domain: 'Example.COM.',
  selector: 'scaisend',
  publicKeyBase64: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA',
  spfMechanisms: 'a mx',
  dmarcPolicy: 'quarantine',
};

describe('buildDnsRecords', () => {
  it('builds DKIM, SPF and DMARC records', () => {
    expect(buildDnsRecords(input)).toEqual([
      {
        type: 'TXT',
        host: 'scaisend._domainkey.example.com',
        value: 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA',
        purpose: 'dkim',
      },
      { type: 'TXT', host: 'example.com', value: 'v=spf1 a mx ~all', purpose: 'spf' },
      { type: 'TXT', host: '_dmarc.example.com', value: 'v=DMARC1; p=quarantine', purpose: 'dmarc' },
    ]);
  });

  it('adds rua when a report address is given', () => {
    const records = buildDnsRecords({ ...input, dmarcPolicy: 'reject', dmarcRuaEmail: 'dmarc@example.com' });

    const dmarc = records.find((record) => record.purpose === 'dmarc');
    expect(dmarc?.value).toBe('v=DMARC1; p=reject; rua=mailto:dmarc@example.com');
  });

  it('leaves rua out for null or empty addresses', () => {
    for (const dmarcRuaEmail of [null, '', '  ']) {
      const records = buildDnsRecords({ ...input, dmarcPolicy: 'none', dmarcRuaEmail });

      expect(records.find((record) => record.purpose === 'dmarc')?.value).toBe('v=DMARC1; p=none');
    }
  });

  it('keeps SPF mechanisms in order with single spaces', () => {
    const records = buildDnsRecords({ ...input, spfMechanisms: '  ip4:127.0.0.1   include:_spf.example.net ' });

    const spf = records.find((record) => record.purpose === 'spf');
    expect(spf?.value).toBe('v=spf1 ip4:127.0.0.1 include:_spf.example.net ~all');
  });

  it('builds an SPF record with no mechanisms', () => {
    const records = buildDnsRecords({ ...input, spfMechanisms: '' });

    expect(records.find((record) => record.purpose === 'spf')?.value).toBe('v=spf1 ~all');
  });

  it('rejects SPF mechanisms with a version or all term', () => {
    expect(() => buildDnsRecords({ ...input, spfMechanisms: 'a mx -all' })).toThrow(/"-all"/);
    expect(() => buildDnsRecords({ ...input, spfMechanisms: 'v=spf1 a' })).toThrow(/"v=spf1"/);
  });

  it('lowercases the selector in the DKIM host', () => {
    const records = buildDnsRecords({ ...input, selector: 'ScaiSend2' });

    expect(records[0].host).toBe('scaisend2._domainkey.example.com');
  });
});
