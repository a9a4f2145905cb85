import type { LookupAddress } from 'node:dns';
import { lookup as systemLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Host name resolution with the signature of `dns.promises.lookup(host, { all: true })`. */
export type LookupFn = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>;

/** Address a webhook request connects to, after the checks in {@link resolveWebhookTarget}. */
export interface WebhookTarget {
  address: string;
  family: 4 | 6;
}

/** Reason a webhook URL cannot be delivered to. */
export type WebhookTargetErrorCode = 'invalid_url' | 'non_public_address' | 'lookup_failed';

/** Raised by {@link resolveWebhookTarget} when a webhook URL must not or cannot be delivered to. */
export class WebhookTargetError extends Error {
  constructor(
    readonly code: WebhookTargetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WebhookTargetError';
  }
}

// IPv4 ranges that are not globally reachable (IANA IPv4 Special-Purpose Address Registry),
// plus multicast and the reserved 240.0.0.0/4, which includes the 255.255.255.255 broadcast.
const NON_PUBLIC_IPV4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC_IPV4.addSubnet(network, prefix, 'ipv4');
}

// Only 2000::/3 contains global unicast IPv6 addresses, so everything outside it (loopback,
// unspecified, link-local, unique-local, multicast, discard-only) is not public.
const GLOBAL_UNICAST_IPV6 = new BlockList();
GLOBAL_UNICAST_IPV6.addSubnet('2000::', 3, 'ipv6');

// Parts of 2000::/3 that are not globally reachable: IETF protocol assignments (Teredo among
// them) and the two documentation prefixes (RFC 3849, RFC 9637).
const NON_PUBLIC_IPV6 = new BlockList();
NON_PUBLIC_IPV6.addSubnet('2001::', 23, 'ipv6');
NON_PUBLIC_IPV6.addSubnet('2001:db8::', 32, 'ipv6');
NON_PUBLIC_IPV6.addSubnet('3fff::', 20, 'ipv6');

/**
 * Checks whether an IP address is globally reachable, so that a request to it cannot reach the
 * operator's own network. IPv6 addresses that embed an IPv4 address (IPv4-mapped `::ffff:0:0/96`,
 * NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by that IPv4 address. Returns false for a
 * string that is not an IP address and for an IPv6 address with a zone index.
 */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return !NON_PUBLIC_IPV4.check(ip, 'ipv4');
  if (family !== 6 || ip.includes('%')) return false;

  const embedded = embeddedIpv4(ip);
  if (embedded !== null) return !NON_PUBLIC_IPV4.check(embedded, 'ipv4');

  return GLOBAL_UNICAST_IPV6.check(ip, 'ipv6') && !NON_PUBLIC_IPV6.check(ip, 'ipv6');
}

/**
 * Checks a webhook URL without resolving its host. It must be an absolute `https:` URL (`http:`
 * only with `allowPrivate`) with a host and without a username or password. Unless `allowPrivate`
 * is set, the host must be neither a non-public literal IP address nor `localhost` or a name under it.
 *
 * @returns null when the URL is acceptable, otherwise a message that names the problem and what to change.
 */
export function checkWebhookUrlSyntax(url: string, allowPrivate: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `Webhook URL "${url}" is not a valid absolute URL. Use a URL such as https://example.com/webhooks.`;
  }

  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return `Webhook URL scheme "${parsed.protocol}" is not supported. Use https.`;
  }
  if (parsed.hostname === '') {
    return 'Webhook URL has no host. Use a URL such as https://example.com/webhooks.';
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return 'Webhook URL must not contain a username or password. Authenticate requests by their signature instead.';
  }
  if (allowPrivate) return null;

  if (parsed.protocol === 'http:') {
    return 'Webhook URL must use https. Plain http is accepted only when private targets are allowed.';
  }
  const host = hostOf(parsed);
  if (isIP(host) !== 0 && !isPublicAddress(host)) {
    return `Webhook URL host ${host} is not a public IP address. Use a publicly reachable host.`;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return `Webhook URL host ${host} is a local name. Use a publicly reachable host.`;
  }
  return null;
}

/**
 * Resolves the host of a webhook URL to the address that a delivery connects to. A literal IP
 * host is used as is, and a name is resolved with `lookup` (by default the system resolver). The
 * first resolved address is returned.
 *
 * @throws WebhookTargetError when the URL fails {@link checkWebhookUrlSyntax}, when the look-up
 *   fails or returns nothing, or when `allowPrivate` is false and any resolved address is not
 *   public. Checking every address means a name cannot mix a public address with a private one.
 */
export async function resolveWebhookTarget(
  url: string,
  allowPrivate: boolean,
  lookup: LookupFn = systemLookup,
): Promise<WebhookTarget> {
  const syntaxError = checkWebhookUrlSyntax(url, allowPrivate);
  if (syntaxError !== null) throw new WebhookTargetError('invalid_url', syntaxError);

  const host = hostOf(new URL(url));
  const literalFamily = isIP(host);
  if (literalFamily === 4 || literalFamily === 6) return { address: host, family: literalFamily };

  const addresses = await lookupHost(host, lookup);
  if (!allowPrivate) {
    const rejected = addresses.find((entry) => !isPublicAddress(entry.address));
    if (rejected !== undefined) {
      throw new WebhookTargetError(
        'non_public_address',
        `Webhook URL host ${host} resolves to ${rejected.address}, which is not a public address. Use a publicly reachable host.`,
      );
    }
  }
  return addresses[0];
}

async function lookupHost(host: string, lookup: LookupFn): Promise<WebhookTarget[]> {
  let answers: LookupAddress[];
  try {
    answers = await lookup(host, { all: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WebhookTargetError('lookup_failed', `Webhook URL host ${host} could not be resolved: ${reason}`, {
      cause: error,
    });
  }

  // The family comes from the address itself, because a custom lookup may report it loosely.
  const addresses: WebhookTarget[] = [];
  for (const { address } of answers) {
    const family = isIP(address);
    if (family === 4 || family === 6) addresses.push({ address, family });
  }
  if (addresses.length === 0) {
    throw new WebhookTargetError('lookup_failed', `Webhook URL host ${host} resolved to no IP address.`);
  }
  return addresses;
}

/** Host name of a parsed URL without IPv6 brackets or a trailing root dot, in lower case. */
function hostOf(url: URL): string {
  let host = url.hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

/** IPv4 address embedded in an IPv4-mapped, NAT64 or 6to4 IPv6 address, else null. */
function embeddedIpv4(ip: string): string | null {
  const groups = ipv6Groups(ip);
  const isMapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  const isNat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0);
  if (isMapped || isNat64) return ipv4FromGroups(groups[6], groups[7]);
  if (groups[0] === 0x2002) return ipv4FromGroups(groups[1], groups[2]);
  return null;
}

/** Splits an IPv6 address that `net.isIP` has already accepted into its eight 16-bit groups. */
function ipv6Groups(ip: string): number[] {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const parse = (part: string | undefined): number[] => {
    if (part === undefined || part === '') return [];
    return part.split(':').flatMap((piece) => {
      if (!piece.includes('.')) return [parseInt(piece, 16)];
      const [a, b, c, d] = piece.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  };

  const headGroups = parse(head);
  const tailGroups = parse(tail);
  const zeros = new Array<number>(8 - headGroups.length - tailGroups.length).fill(0);
  return [...headGroups, ...zeros, ...tailGroups];
}

function ipv4FromGroups(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}
