/** Purpose of a sender-domain DNS record. */
export type DnsRecordPurpose = 'dkim' | 'spf' | 'dmarc' | 'return_path';

/** A DNS record that the domain owner publishes. */
export interface DnsRecord {
  type: 'TXT' | 'CNAME' | 'MX';
  /** Full owner name, lowercase, without the trailing dot. */
  host: string;
  value: string;
  purpose: DnsRecordPurpose;
}

/** DMARC `p=` policy (RFC 7489 6.3). */
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

/** Input of {@link buildDnsRecords}. */
export interface DnsRecordsInput {
  /** Sender domain, e.g. `example.com`. */
  domain: string;
  /** DKIM selector, e.g. `scaisend`. */
  selector: string;
  /** Base64 of the DKIM public key's SubjectPublicKeyInfo DER. */
  publicKeyBase64: string;
  /** SPF mechanisms that authorise the sending hosts, e.g. `a mx` or `ip4:192.0.2.1 include:x`. */
  spfMechanisms: string;
  dmarcPolicy: DmarcPolicy;
  /** Address for DMARC aggregate reports (`rua=mailto:`), left out when empty. */
  dmarcRuaEmail?: string | null;
}

/**
 * Builds the DKIM, SPF and DMARC TXT records that a sender domain publishes, in that order.
 * The SPF record ends in `~all` (soft fail) so mail from hosts outside the list is flagged
 * rather than rejected outright.
 *
 * @throws TypeError when `spfMechanisms` contains `v=spf1` or an `all` term.
 */
export function buildDnsRecords(input: DnsRecordsInput): DnsRecord[] {
  const domain = normalizeHost(input.domain);

  return [
    {
      type: 'TXT',
      host: normalizeHost(`${input.selector}._domainkey.${domain}`),
      value: `v=DKIM1; k=rsa; p=${input.publicKeyBase64}`,
      purpose: 'dkim',
    },
    {
      type: 'TXT',
      host: domain,
      value: buildSpfValue(input.spfMechanisms),
      purpose: 'spf',
    },
    {
      type: 'TXT',
      host: `_dmarc.${domain}`,
      value: buildDmarcValue(input.dmarcPolicy, input.dmarcRuaEmail),
      purpose: 'dmarc',
    },
  ];
}

function buildSpfValue(mechanisms: string): string {
  const terms = mechanisms.trim().split(/\s+/).filter((term) => term.length > 0);

  const reserved = terms.find((term) => /^v=spf1$/i.test(term) || /^[+\-~?]?all$/i.test(term));
  if (reserved) {
    throw new TypeError(
      `spfMechanisms "${mechanisms}" contains "${reserved}", which buildDnsRecords adds itself. ` +
        'Remove it from the configured mechanisms.',
    );
  }

  return ['v=spf1', ...terms, '~all'].join(' ');
}

function buildDmarcValue(policy: DmarcPolicy, ruaEmail?: string | null): string {
  const email = ruaEmail?.trim();
  if (!email) return `v=DMARC1; p=${policy}`;

  return `v=DMARC1; p=${policy}; rua=mailto:${email}`;
}

function normalizeHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.+$/, '');
}
