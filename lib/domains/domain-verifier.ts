import type { DnsResolver } from '../common/dns-resolver.js';
import type { DnsRecord, DnsRecordPurpose } from './dns-records.js';

/** One DNS record that is missing, different from the expected one, or could not be looked up. */
export interface VerificationError {
  purpose: DnsRecordPurpose;
  host: string;
  expected: string;
  /**
   * Text of the records found at `host`, joined with " | ", or null when there are none. For SPF
   * only the SPF records count, because the domain apex usually has unrelated TXT records.
   */
  found: string | null;
  message: string;
}

/** Outcome of {@link verifyDnsRecords}. */
export interface VerificationResult {
  /** True when at least one record was checked and every record passed. */
  verified: boolean;
  errors: VerificationError[];
  /** Whether every record of a purpose passed, for the purposes present in the input. */
  valid: Partial<Record<DnsRecordPurpose, boolean>>;
}

/** Returns what is wrong with the TXT records found at `record.host`, or null when they pass. */
type TxtCheck = (record: DnsRecord, texts: string[]) => string | null;

const TXT_CHECKS: Partial<Record<DnsRecordPurpose, TxtCheck>> = {
  dkim: checkDkim,
  spf: checkSpf,
  dmarc: checkDmarc,
};

const LOOKUP_FAILURE_REASONS: Record<string, string> = {
  ESERVFAIL: 'the name server returned SERVFAIL',
  EREFUSED: 'the name server refused the query',
  ETIMEOUT: 'the query timed out',
  ECONNREFUSED: 'the name server refused the connection',
};

/**
 * Looks up each record's host and checks that what is published is equivalent to the expected
 * record, reading DKIM, SPF and DMARC records as receivers do (RFC 6376, RFC 7208, RFC 7489).
 * Returns one error per missing, mismatched or failed record. `ENOTFOUND` and `ENODATA` count
 * as "no record", and any other DNS error gives an error that names the failure.
 */
export async function verifyDnsRecords(
  records: DnsRecord[],
  resolver: DnsResolver,
): Promise<VerificationResult> {
  const outcomes = await Promise.all(records.map((record) => verifyRecord(record, resolver)));

  const errors: VerificationError[] = [];
  const valid: Partial<Record<DnsRecordPurpose, boolean>> = {};
  records.forEach((record, index) => {
    const error = outcomes[index];
    if (error) errors.push(error);
    valid[record.purpose] = (valid[record.purpose] ?? true) && error === null;
  });

  return { verified: records.length > 0 && errors.length === 0, errors, valid };
}

async function verifyRecord(
  record: DnsRecord,
  resolver: DnsResolver,
): Promise<VerificationError | null> {
  const check = TXT_CHECKS[record.purpose];
  if (record.type !== 'TXT' || !check) {
    // NOTE: DnsResolver has no CNAME look-up, so a return_path CNAME record always fails here.
    const message = `Checking ${record.type} records for ${record.purpose} is not supported.`;
    return toError(record, null, message);
  }

  const lookup = await lookUpTxt(record.host, resolver);
  if ('failure' in lookup) {
    const message = `DNS look-up of TXT records at ${record.host} failed because ${lookup.failure}.`;
    return toError(record, null, `${message} Verify again later.`);
  }

  const problem = check(record, lookup.texts);
  if (problem === null) return null;

  const foundTexts = record.purpose === 'spf' ? lookup.texts.filter(isSpfRecord) : lookup.texts;
  return toError(record, foundTexts.length === 0 ? null : foundTexts.join(' | '), problem);
}

function toError(record: DnsRecord, found: string | null, message: string): VerificationError {
  return { purpose: record.purpose, host: record.host, expected: record.value, found, message };
}

/** Returns each TXT record's text, its character-strings joined with no separator. */
async function lookUpTxt(
  host: string,
  resolver: DnsResolver,
): Promise<{ texts: string[] } | { failure: string }> {
  try {
    // RFC 7208 3.3 and RFC 6376 3.6.2.2 join character-strings with nothing in between.
    const records = await resolver.resolveTxt(host);
    return { texts: records.map((strings) => strings.join('')) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { texts: [] };

    const reason = code === undefined ? undefined : LOOKUP_FAILURE_REASONS[code];
    const detail = error instanceof Error ? error.message : String(error);
    return { failure: reason ? `${reason} (${detail})` : detail };
  }
}

/**
 * Parses a tag list (RFC 6376 3.2) of `name=value` tags separated by `;`, trimming whitespace
 * around names and values. Returns the tags in record order, or null when a tag has no `=` or a
 * name repeats, because either makes the whole list invalid.
 */
function parseTagList(text: string, options: { lowercaseNames: boolean }): Map<string, string> | null {
  const tags = new Map<string, string>();

  for (const spec of text.split(';')) {
    if (spec.trim() === '') continue;

    const equals = spec.indexOf('=');
    if (equals < 0) return null;

    const rawName = spec.slice(0, equals).trim();
    const name = options.lowercaseNames ? rawName.toLowerCase() : rawName;
    if (name === '' || tags.has(name)) return null;
    tags.set(name, spec.slice(equals + 1).trim());
  }

  return tags;
}

function firstTagName(tags: Map<string, string>): string | undefined {
  return tags.keys().next().value;
}

/** Returns the `p=` value without whitespace, which RFC 6376 3.6.1 ignores inside base64. */
function parseDkimPublicKey(tags: Map<string, string>): string | undefined {
  return tags.get('p')?.replace(/\s+/g, '');
}

/** Checks that the selector has one DKIM key record (RFC 6376 3.6.2.2) with the expected key. */
function checkDkim(record: DnsRecord, texts: string[]): string | null {
  const { host } = record;
  if (texts.length === 0) return `No DKIM key record found at ${host}. Publish the expected TXT record.`;
  if (texts.length > 1) {
    return (
      `Found ${texts.length} TXT records at ${host}, but a DKIM selector must have exactly one ` +
      'key record. Remove all but the expected one.'
    );
  }

  // DKIM tag names are case-sensitive (RFC 6376 3.2).
  const tags = parseTagList(texts[0], { lowercaseNames: false });
  if (!tags) return `The DKIM key record at ${host} is not a valid tag list. Replace it.`;

  const expectedTags = parseTagList(record.value, { lowercaseNames: false });
  const expectedKey = expectedTags ? parseDkimPublicKey(expectedTags) : undefined;
  return describeDkimKeyProblem(host, tags, expectedKey ?? '');
}

function describeDkimKeyProblem(host: string, tags: Map<string, string>, expectedKey: string): string | null {
  // RFC 6376 3.6.1: v= is optional, but when present it must be the first tag and equal "DKIM1".
  const version = tags.get('v');
  if (version !== undefined && (version.toUpperCase() !== 'DKIM1' || firstTagName(tags) !== 'v')) {
    return `The DKIM key record at ${host} must start with v=DKIM1 when it has a v= tag.`;
  }

  const keyType = tags.get('k');
  if (keyType !== undefined && keyType.toLowerCase() !== 'rsa') {
    return `The DKIM key record at ${host} has key type k=${keyType}, expected k=rsa.`;
  }

  const services = tags.get('s')?.split(':').map((service) => service.trim().toLowerCase());
  if (services && !services.includes('*') && !services.includes('email')) {
    return `The DKIM key record at ${host} has s=${tags.get('s')}, which excludes email. Remove s=.`;
  }

  const hashes = tags.get('h')?.split(':').map((hash) => hash.trim().toLowerCase());
  if (hashes && !hashes.includes('sha256')) {
    return `The DKIM key record at ${host} has h=${tags.get('h')}, which excludes sha256. Remove h=.`;
  }

  const publicKey = parseDkimPublicKey(tags);
  if (publicKey === undefined) return `The DKIM key record at ${host} has no p= tag.`;
  if (publicKey === '') return `The DKIM key at ${host} is revoked (empty p=). Publish the expected key.`;
  if (publicKey !== expectedKey) {
    return `The DKIM key record at ${host} has a different public key. Replace p= with the expected key.`;
  }

  return null;
}

/** Returns whether a TXT record is an SPF record: "v=spf1" alone or followed by a space (RFC 7208 4.5). */
function isSpfRecord(text: string): boolean {
  return /^v=spf1( |$)/i.test(text);
}

/** Splits an SPF record into its terms, without the version. */
function parseSpfTerms(text: string): string[] {
  return text.trim().split(/\s+/).slice(1);
}

function isAllTerm(term: string): boolean {
  return /^[+\-~?]?all$/i.test(term);
}

/**
 * Lowercases an SPF mechanism and removes a `+` qualifier and a /32 (IPv4) or /128 (IPv6) prefix
 * length, so equivalent spellings compare equal.
 */
function normalizeSpfMechanism(term: string): string {
  return term
    .toLowerCase()
    .replace(/^\+/, '')
    .replace(/^(ip4:[^/]+)\/32$/, '$1')
    .replace(/^(ip6:[^/]+)\/128$/, '$1');
}

/**
 * Checks that the host has exactly one SPF record, that it contains every expected mechanism
 * before its `all` term, and that its `all` term does not pass every host.
 */
function checkSpf(record: DnsRecord, texts: string[]): string | null {
  const { host } = record;
  const spfTexts = texts.filter(isSpfRecord);
  if (spfTexts.length === 0) {
    return `No SPF record (v=spf1) found at ${host}. Publish the expected TXT record.`;
  }
  if (spfTexts.length > 1) {
    // RFC 7208 4.5: more than one SPF record is a permerror, so receivers use none of them.
    return (
      `Found ${spfTexts.length} SPF records at ${host}, which is a permerror ` +
      '(multiple SPF records). Merge them into one record.'
    );
  }

  // RFC 7208 5.1: terms after "all" are never evaluated. A bare "all" has the default "+".
  const terms = parseSpfTerms(spfTexts[0]);
  const allIndex = terms.findIndex(isAllTerm);
  if (allIndex >= 0 && /^\+?all$/i.test(terms[allIndex])) {
    return `The SPF record at ${host} ends in +all, which authorises every host. Use ~all or -all.`;
  }

  const evaluated = allIndex < 0 ? terms : terms.slice(0, allIndex + 1);
  const present = new Set(evaluated.map(normalizeSpfMechanism));
  const missing = parseSpfTerms(record.value)
    .filter((term) => !isAllTerm(term))
    .filter((term) => !present.has(normalizeSpfMechanism(term)));
  if (missing.length > 0) {
    return `The SPF record at ${host} does not authorise ${missing.join(' ')}. Add it before the all term.`;
  }

  return null;
}

/**
 * Parses a DMARC record: a tag list with case-insensitive names whose first tag is exactly
 * v=DMARC1 (RFC 7489 6.4). Returns null for any other text, which receivers discard.
 */
function parseDmarcRecord(text: string): Map<string, string> | null {
  const tags = parseTagList(text, { lowercaseNames: true });
  if (!tags || firstTagName(tags) !== 'v' || tags.get('v') !== 'DMARC1') return null;

  return tags;
}

/** Splits an `rua=` value into lowercase URIs without their `!size` limits (RFC 7489 6.4). */
function parseDmarcUris(value: string | undefined): string[] {
  if (value === undefined) return [];

  return value
    .split(',')
    .map((uri) => uri.trim().replace(/![0-9]+[kmgt]?$/i, '').toLowerCase())
    .filter((uri) => uri.length > 0);
}

/** Checks that the host has one DMARC record with the expected policy and report address. */
function checkDmarc(record: DnsRecord, texts: string[]): string | null {
  const { host } = record;
  const dmarcRecords = texts.map(parseDmarcRecord).filter((tags) => tags !== null);
  if (dmarcRecords.length === 0) {
    return `No DMARC record starting with v=DMARC1 found at ${host}. Publish the expected TXT record.`;
  }
  if (dmarcRecords.length > 1) {
    // RFC 7489 6.6.3: with more than one DMARC record, receivers apply no policy at all.
    return `Found ${dmarcRecords.length} DMARC records at ${host}, so receivers apply none. Keep one.`;
  }

  const tags = dmarcRecords[0];
  const expectedTags = parseDmarcRecord(record.value) ?? new Map<string, string>();
  const policy = tags.get('p')?.toLowerCase();
  const expectedPolicy = expectedTags.get('p')?.toLowerCase();
  if (policy !== expectedPolicy) {
    return `The DMARC record at ${host} has p=${policy ?? '(none)'}, expected p=${expectedPolicy}.`;
  }

  const reportUris = parseDmarcUris(tags.get('rua'));
  const missingUris = parseDmarcUris(expectedTags.get('rua')).filter((uri) => !reportUris.includes(uri));
  if (missingUris.length > 0) {
    const missing = missingUris.join(', ');
    return `The DMARC record at ${host} does not send aggregate reports to ${missing}. Add it to rua=.`;
  }

  return null;
}
