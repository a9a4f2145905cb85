import type { Readable } from 'node:stream';
import { domainToASCII } from 'node:url';
import DKIM from 'nodemailer/lib/dkim';
import MailComposer from 'nodemailer/lib/mail-composer';
import { htmlToText } from '../common/html-to-text.js';
import { formatAddressField, formatUnstructuredField, formatUserHeader, MAX_LINE_OCTETS } from './header-encoding.js';
import { assertLineLimits } from './mime-lines.js';

/** DKIM key of a sender domain, as published at `<keySelector>._domainkey.<domainName>`. */
export interface DkimSigningKey {
  domainName: string;
  keySelector: string;
  /** PEM-encoded RSA private key. */
  privateKey: string;
}

/** Mailbox with an optional display name. */
export interface MailAddress {
  email: string;
  name?: string;
}

/** A rendered message, ready to be turned into RFC 5322 text. */
export interface OutgoingMessage {
  /** ScaiSend message id (`msg_…`), sent as `X-ScaiSend-Message-Id` and in `Message-ID`. */
  messageId: string;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  /** Recipients that go into the envelope only, never into a header. */
  bcc: MailAddress[];
  replyTo?: MailAddress[];
  subject: string;
  html?: string;
  text?: string;
  /**
   * User headers, already validated (see `formatUserHeader`). A user header named like a field the
   * builder writes, such as Subject, is left out, and so is one with a blank value.
   */
  headers: Record<string, string>;
  date: Date;
  /** Files in strict base64; inline ones carry a `contentId` that the HTML references as `cid:`. */
  attachments?: MailAttachment[];
}

/** A file attached to the message. */
export interface MailAttachment {
  filename: string;
  /** File data in base64. */
  content: string;
  contentType?: string;
  disposition?: 'attachment' | 'inline';
  contentId?: string;
}

/** The built message and what delivery and the API need from it. */
export interface BuiltMime {
  /** Whole message with CRLF line ends, DKIM-signed when a key was given. */
  raw: Buffer;
  /**
   * SMTP envelope: the sender and every to, cc and bcc address once, spelled as given.
   * `SmtpDelivery` converts internationalised domains to A-labels when it sends.
   */
  envelope: { from: string; to: string[] };
  /** Top-level headers by lowercase name, values unfolded and still MIME-encoded. */
  headers: Record<string, string>;
  /** `Message-ID` value with its angle brackets. */
  messageIdHeader: string;
}

/** Headers covered by the DKIM signature. nodemailer signs only the ones present in the message. */
const DKIM_SIGNED_HEADERS = [
  'From',
  'To',
  'Subject',
  'Date',
  'Message-ID',
  'MIME-Version',
  'Content-Type',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
].join(':');

const SCAISEND_ID_HEADER = 'X-ScaiSend-Message-Id';

/** Top-level fields (lowercase) written by the builder, which a user header of the same name never repeats. */
const BUILT_HEADER_NAMES: ReadonlySet<string> = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  SCAISEND_ID_HEADER.toLowerCase(),
]);

/**
 * Builds the RFC 5322 message for `message` and signs it with rsa-sha256, relaxed/relaxed, when
 * `dkim` is given. A message with only HTML also gets a text part derived from the HTML.
 *
 * Header fields are encoded and folded before signing. Every line then ends with CRLF and is at
 * most 998 octets long, so a relay has nothing to rewrap. It throws when that cannot hold, such
 * as for a user header that `formatUserHeader` rejects.
 */
export async function buildMime(message: OutgoingMessage, dkim?: DkimSigningKey): Promise<BuiltMime> {
  const messageIdHeader = `<${message.messageId}@${senderDomain(message.from.email)}>`;
  const unsigned = await composeMessage(message, messageIdHeader);
  const raw = dkim ? await signMessage(unsigned, dkim) : unsigned;
  assertLineLimits(raw);

  return {
    raw,
    envelope: buildEnvelope(message),
    headers: parseTopLevelHeaders(raw),
    messageIdHeader,
  };
}

async function composeMessage(message: OutgoingMessage, messageIdHeader: string): Promise<Buffer> {
  const text = message.text ?? (message.html !== undefined ? htmlToText(message.html) : undefined);

  // nodemailer builds the MIME structure with Message-ID, Date, MIME-Version and Content-Type.
  // The other top-level fields are written here, because nodemailer folds only at 76 columns and
  // leaves a run without whitespace on one line of any length.
  const composer = new MailComposer({
    text,
    html: message.html,
    messageId: messageIdHeader,
    date: message.date,
    attachments: message.attachments?.map((attachment) => ({
      filename: attachment.filename,
      content: attachment.content,
      encoding: 'base64',
      contentType: attachment.contentType,
      contentDisposition: attachment.disposition ?? 'attachment',
      cid: attachment.contentId,
    })),
    newline: 'win',
  });
  const structure = await composer.compile().build();

  return Buffer.concat([Buffer.from(`${headerFields(message).join('\r\n')}\r\n`), structure]);
}

/** Writes From, To, Cc, Reply-To, Subject, the user headers and the ScaiSend id, each folded. */
function headerFields(message: OutgoingMessage): string[] {
  const fields = [formatAddressField('From', [message.from])];
  if (message.to.length > 0) fields.push(formatAddressField('To', message.to));
  if (message.cc.length > 0) fields.push(formatAddressField('Cc', message.cc));
  if (message.replyTo?.length) fields.push(formatAddressField('Reply-To', message.replyTo));
  if (message.subject.trim() !== '') fields.push(unstructuredField('Subject', message.subject));

  for (const [name, value] of Object.entries(message.headers)) {
    if (BUILT_HEADER_NAMES.has(name.toLowerCase()) || value.trim() === '') continue;

    const result = formatUserHeader(name, value);
    if ('problem' in result) throw new Error(`The header ${name} cannot be written: ${result.problem}`);
    fields.push(result.field);
  }

  fields.push(`${SCAISEND_ID_HEADER}: ${message.messageId}`);
  return fields;
}

function unstructuredField(name: string, value: string): string {
  const field = formatUnstructuredField(name, value);
  if (field === null) throw new Error(`The header ${name} cannot be folded into lines of ${MAX_LINE_OCTETS} octets`);
  return field;
}

async function signMessage(unsigned: Buffer, key: DkimSigningKey): Promise<Buffer> {
  const signer = new DKIM({
    domainName: key.domainName,
    keySelector: key.keySelector,
    privateKey: key.privateKey,
    headerFieldNames: DKIM_SIGNED_HEADERS,
  });
  const signed = await readAll(signer.sign(unsigned));

  // nodemailer leaves the message unsigned when the private key cannot sign.
  if (!signed.subarray(0, 16).toString('latin1').startsWith('DKIM-Signature:')) {
    throw new Error(`DKIM signing failed for domain ${key.domainName}: the private key is invalid`);
  }
  return signed;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function senderDomain(email: string): string {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return domainToASCII(domain) || domain;
}

function buildEnvelope(message: OutgoingMessage): { from: string; to: string[] } {
  const seen = new Set<string>();
  const to: string[] = [];

  for (const recipient of [...message.to, ...message.cc, ...message.bcc]) {
    const key = recipient.email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    to.push(recipient.email);
  }

  return { from: message.from.email, to };
}

/** Reads the header block of `raw`, keeping the first field of each name. */
function parseTopLevelHeaders(raw: Buffer): Record<string, string> {
  const text = raw.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  const block = end === -1 ? text : text.slice(0, end);
  const headers = new Map<string, string>();

  // RFC 5322 2.2.3: unfolding removes the CRLF in front of the continuation's whitespace.
  for (const line of block.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;

    const name = line.slice(0, colon).trim().toLowerCase();
    if (headers.has(name)) continue;
    headers.set(name, line.slice(colon + 1).trim());
  }

  return Object.fromEntries(headers);
}
