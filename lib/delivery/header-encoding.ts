import { encodeWord, quoteString } from 'nodemailer/lib/mime-funcs';
import MimeNode from 'nodemailer/lib/mime-node';
import { toAsciiDomainAddress } from './address-encoding.js';

/** RFC 5322 section 2.1.1: a line is at most 998 octets long, not counting its CRLF. */
export const MAX_LINE_OCTETS = 998;

/** RFC 5322 section 2.1.1 recommends lines of at most 78 characters, so folding aims there. */
const FOLD_COLUMN = 78;

/**
 * Length handed to nodemailer's `encodeWord`, which splits text into encoded-words of at most
 * this many characters, below the 75 that RFC 2047 section 2 allows.
 */
const ENCODED_WORD_LENGTH = 52;

/**
 * User headers (lowercase names) whose syntax has no place for RFC 2047 encoded-words: message
 * identifiers, URLs in angle brackets, addresses and tokens. They are written as given and folded
 * only at whitespace, so their value must be ASCII and each run without whitespace must fit on one
 * line. Every other user header is unstructured text, which is encoded when it needs to be.
 */
export const STRUCTURED_HEADER_NAMES: ReadonlySet<string> = new Set([
  // RFC 5322 sections 3.6.4 and 3.6.6
  'in-reply-to',
  'references',
  'resent-date',
  'resent-from',
  'resent-sender',
  'resent-to',
  'resent-cc',
  'resent-bcc',
  'resent-message-id',
  // RFC 2369, RFC 2919 and RFC 8058
  'list-id',
  'list-help',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'list-subscribe',
  'list-post',
  'list-owner',
  'list-archive',
  // RFC 3834, RFC 8098 and RFC 8689
  'auto-submitted',
  'disposition-notification-to',
  'tls-required',
  // MIME header fields other than Content-Type and Content-Transfer-Encoding, which are reserved
  'content-id',
  'content-disposition',
  'content-language',
  'content-location',
]);

/** Structured headers that nodemailer normalizes to message identifiers in angle brackets. */
const MESSAGE_ID_HEADER_NAMES: ReadonlySet<string> = new Set(['in-reply-to', 'references']);

/** RFC 5322 atext, plus the UTF-8 that RFC 6532 section 3.2 adds to it. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+)*$/u;

/** A phrase of ASCII atoms separated by single spaces, which needs neither quoting nor encoding. */
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?: [A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const NON_ASCII_OR_CONTROL = /[^\t\x20-\x7e]/;

/** A header field as it goes into the message, or the reason it cannot be written. */
export type HeaderFieldResult = { field: string } | { problem: string };

/** A mailbox of an address header. */
export interface HeaderMailbox {
  email: string;
  name?: string;
}

/**
 * Writes `name: value` folded at whitespace (RFC 5322 section 2.2.3): CRLF goes before a space or
 * tab, so unfolding gives back the value exactly. Lines are kept to 78 characters where the value
 * allows. Returns null when a run without whitespace leaves some line over 998 octets.
 */
export function foldHeaderField(name: string, value: string): string | null {
  // Each segment after the first starts at the last whitespace character in front of a word, so
  // no line consists of whitespace only.
  const segments = `${name}: ${value}`.split(/(?=[ \t][^ \t])/);
  const lines: string[] = [];
  let line = '';
  let lineOctets = 0;

  for (const segment of segments) {
    const segmentOctets = Buffer.byteLength(segment);
    if (lineOctets > 0 && lineOctets + segmentOctets > FOLD_COLUMN) {
      lines.push(line);
      line = '';
      lineOctets = 0;
    }
    line += segment;
    lineOctets += segmentOctets;
    if (lineOctets > MAX_LINE_OCTETS) return null;
  }

  lines.push(line);
  return lines.join('\r\n');
}

/**
 * Writes an unstructured header such as Subject. Non-ASCII text is encoded as whole RFC 2047
 * encoded-words, as nodemailer does, and so is any value with a run too long to fold, because
 * encoded-words can be split and separated by spaces. Returns null only when `name` is too long.
 */
export function formatUnstructuredField(name: string, value: string): string | null {
  // The name Subject selects nodemailer's encoding for unstructured text. The field keeps `name`.
  const encoded = MimeNode.encodeHeaderValue('Subject', value);
  return foldHeaderField(name, encoded) ?? foldHeaderField(name, encodeWord(value, wordEncodingFor(value), ENCODED_WORD_LENGTH));
}

/**
 * Writes a user header: as structured text when its name is in {@link STRUCTURED_HEADER_NAMES},
 * else as unstructured text. The problem, when there is one, is a sentence for an API error.
 */
export function formatUserHeader(name: string, value: string): HeaderFieldResult {
  if (Buffer.byteLength(name) + 1 > MAX_LINE_OCTETS) {
    return {
      problem:
        `The header name is ${name.length} characters long, but a header line can be at most ${MAX_LINE_OCTETS} octets long ` +
        `(RFC 5322 section 2.1.1). Use a name of at most ${MAX_LINE_OCTETS - 1} characters.`,
    };
  }

  if (STRUCTURED_HEADER_NAMES.has(name.toLowerCase())) return formatStructuredField(name, value);

  const field = formatUnstructuredField(name, value);
  return field === null ? { problem: `The header ${name} cannot be folded into lines of ${MAX_LINE_OCTETS} octets.` } : { field };
}

/**
 * Writes an address header (From, To, Cc, Reply-To). Display names that are not plain atoms are
 * quoted with `\` escapes (RFC 5322 section 3.2.4), or encoded as RFC 2047 encoded-words when they
 * are not printable ASCII, begin or end with a space, or contain `=?`. Domains are written in
 * A-labels. A non-ASCII local part stays UTF-8 (RFC 6532). When a quoted name has a run too long to
 * fold, every name is encoded instead.
 */
export function formatAddressField(name: string, mailboxes: HeaderMailbox[]): string {
  const field =
    foldHeaderField(name, mailboxes.map((mailbox) => formatMailbox(mailbox, false)).join(', ')) ??
    foldHeaderField(name, mailboxes.map((mailbox) => formatMailbox(mailbox, true)).join(', '));

  // Only an address itself, which the API limits to 254 octets, can be longer than a line.
  if (field === null) throw new Error(`The ${name} header cannot be written: an address is longer than ${MAX_LINE_OCTETS} octets`);
  return field;
}

function formatStructuredField(name: string, value: string): HeaderFieldResult {
  if (NON_ASCII_OR_CONTROL.test(value)) {
    return {
      problem:
        `The value of header ${name} contains non-ASCII or control characters. ${name} is a structured header, ` +
        'which cannot carry RFC 2047 encoded-words, so use ASCII only (percent-encode URLs).',
    };
  }

  const normalized = MESSAGE_ID_HEADER_NAMES.has(name.toLowerCase()) ? MimeNode.encodeHeaderValue(name, value) : value;
  const field = foldHeaderField(name, normalized);
  if (field !== null) return { field };

  return {
    problem:
      `The value of header ${name} has a run of ${longestRun(normalized)} characters without whitespace. ${name} is a ` +
      `structured header, which is folded only at whitespace, and a header line can be at most ${MAX_LINE_OCTETS} octets long ` +
      '(RFC 5322 section 2.1.1). Shorten the value or separate its items with whitespace.',
  };
}

function formatMailbox(mailbox: HeaderMailbox, encodeName: boolean): string {
  const address = formatAddrSpec(mailbox.email);
  const name = mailbox.name ?? '';

  // mailparser 3 reads a name of spaces only as no name, so it is left out.
  if (name.trim() === '') return address;
  return `${formatDisplayName(name, encodeName)} <${address}>`;
}

function formatAddrSpec(email: string): string {
  const address = toAsciiDomainAddress(email);
  const at = address.lastIndexOf('@');
  if (at < 0) return address;

  const localPart = address.slice(0, at);
  return DOT_ATOM.test(localPart) ? address : `${quoteString(localPart)}${address.slice(at)}`;
}

function formatDisplayName(name: string, encode: boolean): string {
  // mailparser 3 decodes `=?…?=` even inside quotes, so such a name is encoded to come back literally.
  const literal = !encode && !name.includes('=?');
  if (literal && ATOM_PHRASE.test(name)) return name;
  // mailparser 3 trims the spaces around a quoted name, so a name with such spaces is encoded instead.
  if (literal && PRINTABLE_ASCII.test(name) && name === name.trim()) return quoteString(name);

  return encodeWord(name, wordEncodingFor(name), ENCODED_WORD_LENGTH);
}

/** Picks Q when ASCII letters outnumber the characters outside printable ASCII, else B, as nodemailer does. */
function wordEncodingFor(text: string): 'Q' | 'B' {
  const nonAscii = text.match(/[^\x20-\x7e]/g)?.length ?? 0;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  return nonAscii < latin ? 'Q' : 'B';
}

function longestRun(text: string): number {
  return text.split(/[ \t]+/).reduce((longest, run) => Math.max(longest, run.length), 0);
}
