import type { DnsResolver } from '../common/dns-resolver.js';
import type { DnsRecord } from '../domains/dns-records.js';
import { verifyDnsRecords, type VerificationError, type VerificationResult } from '../domains/domain-verifier.js';

/** Label of the return-path domain under a sender domain: `bounces.<sender domain>`. */
export const RETURN_PATH_LABEL = 'bounces';

/** MX preference of the return-path record. With one MX record its value does not matter. */
const MX_PREFERENCE = 10;

/** SPF mechanisms whose target defaults to the domain being checked (RFC 7208 5.3, 5.4, 5.5). */
const DOMAIN_RELATIVE_MECHANISM = /^([+\-~?]?)(a|mx|ptr)((?:\/\d+)?(?:\/\/\d+)?)$/i;

/** Returns the return-path domain of a sender domain, `bounces.<domain>` in lower case. */
export function returnPathDomain(senderDomain: string): string {
  return `${RETURN_PATH_LABEL}.${normalizeHost(senderDomain)}`;
}

/**
 * Builds the records that make `bounces.<senderDomain>` a working return path: an MX record that
 * sends bounces to the inbound SMTP server at `inboundHost`, and an SPF record that authorises
 * the sending hosts for that envelope domain. The envelope domain is a subdomain of the From
 * domain, so SPF passes with DMARC's relaxed alignment (RFC 7489 3.1.2).
 *
 * Bare `a`, `mx` and `ptr` mechanisms get `:<senderDomain>` added, because at the return-path
 * name they would name the return-path domain's own hosts (its MX is the inbound server).
 * Mechanisms that use the `%{d}` macro are copied as they are.
 *
 * @param spfMechanisms the sender domain's SPF mechanisms, such as `a mx` or `ip4:192.0.2.1`
 * @throws TypeError when `spfMechanisms` contains `v=spf1` or an `all` term
 */
export function returnPathRecords(senderDomain: string, inboundHost: string, spfMechanisms: string): DnsRecord[] {
  const host = returnPathDomain(senderDomain);
  return [
    { type: 'MX', host, value: `${MX_PREFERENCE} ${normalizeHost(inboundHost)}`, purpose: 'return_path' },
    { type: 'TXT', host, value: buildReturnPathSpf(normalizeHost(senderDomain), spfMechanisms), purpose: 'return_path' },
  ];
}

/**
 * Looks up the return-path records of {@link returnPathRecords} and checks them: the MX record
 * set must contain the expected exchange (any preference), and the SPF record is checked as the
 * sender domain's SPF record is. Records of other purposes are ignored. `ENOTFOUND` and
 * `ENODATA` count as "no record".
 */
export async function verifyReturnPathRecords(records: DnsRecord[], resolver: DnsResolver): Promise<VerificationResult> {
  const checked = records.filter((record) => record.purpose === 'return_path');
  const errors: VerificationError[] = [];
  for (const record of checked) {
    if (record.type === 'MX') {
      const error = await verifyMx(record, resolver);
      if (error) errors.push(error);
    } else {
      // The SPF rules are those of the sender domain's record, and only the purpose differs.
      const result = await verifyDnsRecords([{ ...record, purpose: 'spf' }], resolver);
      errors.push(...result.errors.map((error) => ({ ...error, purpose: record.purpose })));
    }
  }

  const verified = checked.length > 0 && errors.length === 0;
  return { verified, errors, valid: checked.length > 0 ? { return_path: errors.length === 0 } : {} };
}

async function verifyMx(record: DnsRecord, resolver: DnsResolver): Promise<VerificationError | null> {
  const expected = normalizeHost(record.value.trim().split(/\s+/).pop() ?? '');
  const toError = (found: string | null, message: string): VerificationError => ({ purpose: record.purpose, host: record.host, expected: record.value, found, message });

  let exchanges: Array<{ exchange: string; priority: number }>;
  try {
    exchanges = await resolver.resolveMx(record.host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTFOUND' && code !== 'ENODATA') {
      return toError(null, `DNS look-up of MX records at ${record.host} failed (${code ?? (error as Error).message}). Verify again later.`);
    }
    exchanges = [];
  }

  const found = exchanges.length === 0 ? null : exchanges.map((mx) => `${mx.priority} ${normalizeHost(mx.exchange)}`).join(' | ');
  if (exchanges.length === 0) return toError(found, `No MX record found at ${record.host}, so bounces cannot reach ScaiSend. Publish the expected MX record.`);
  if (!exchanges.some((mx) => normalizeHost(mx.exchange) === expected)) {
    return toError(found, `The MX records at ${record.host} do not point at ${expected}, so bounces go elsewhere. Publish the expected MX record.`);
  }
  return null;
}

function buildReturnPathSpf(senderDomain: string, mechanisms: string): string {
  const terms = mechanisms.trim().split(/\s+/).filter((term) => term.length > 0);

  const reserved = terms.find((term) => /^v=spf1$/i.test(term) || /^[+\-~?]?all$/i.test(term));
  if (reserved) {
    throw new TypeError(`spfMechanisms "${mechanisms}" contains "${reserved}", which returnPathRecords adds itself. Remove it from the configured mechanisms.`);
  }

  const anchored = terms.map((term) => term.replace(DOMAIN_RELATIVE_MECHANISM, (_match, qualifier: string, name: string, cidr: string) => `${qualifier}${name}:${senderDomain}${cidr}`));
  return ['v=spf1', ...anchored, '~all'].join(' ');
}

function normalizeHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.+$/, '');
}
