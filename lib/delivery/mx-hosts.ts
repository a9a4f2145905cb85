import type { DnsResolver, MxRecord } from '../common/dns-resolver.js';
import { errorCode } from './smtp-replies.js';

/**
 * Lists the hosts to try for `domain`, following RFC 5321 5.1 and RFC 7505.
 *
 * MX exchanges come by ascending preference, shuffled among equal preferences. A domain without MX
 * but with an A or AAAA record is its own host, and a null MX gives an empty list. Otherwise the
 * promise rejects with the resolver's error, `ENOTFOUND` or `ENODATA` when the domain has no mail host.
 */
export async function resolveMxHosts(domain: string, resolver: DnsResolver): Promise<string[]> {
  let records: MxRecord[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (error) {
    if (errorCode(error) !== 'ENODATA') throw error;
    records = [];
  }

  if (records.length === 0) {
    await resolveAnyAddress(domain, resolver);
    return [domain];
  }

  const hosts = records.filter((record) => !isNullExchange(record.exchange));
  return byPreference(hosts).map((record) => record.exchange.replace(/\.$/, '').toLowerCase());
}

async function resolveAnyAddress(domain: string, resolver: DnsResolver): Promise<void> {
  const ipv4 = await resolver.resolve4(domain).catch(() => []);
  if (ipv4.length > 0) return;

  await resolver.resolve6(domain);
}

/** Node reports the root name of a null MX as an empty exchange. */
function isNullExchange(exchange: string): boolean {
  return exchange === '' || exchange === '.';
}

function byPreference(records: MxRecord[]): MxRecord[] {
  const shuffled = records.map((record) => ({ record, tiebreak: Math.random() }));
  shuffled.sort((a, b) => a.record.priority - b.record.priority || a.tiebreak - b.tiebreak);
  return shuffled.map((entry) => entry.record);
}
