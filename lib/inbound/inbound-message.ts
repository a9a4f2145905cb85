import { simpleParser, type Attachment } from 'mailparser';
import type { HeaderLookup } from './auto-reply.js';
import { addressOf, fieldValue, headerBlock, parseHeaderFields } from './header-fields.js';

/** Parts of a received message that the report parsers read, decoded. */
export interface InboundMessage {
  header: HeaderLookup;
  subject: string;
  /** Addresses of the From header, in lower case. */
  from: string[];
  /** Addresses of the To and Cc headers, in lower case. */
  to: string[];
  /** Addresses in the `for <…>` clauses of the Received headers. */
  receivedFor: string[];
  /** `report-type` parameter of a `multipart/report` message, in lower case. */
  reportType: string | null;
  /** The human-readable text: text parts, text attachments, else the raw body. */
  text: string;
  /** Decoded parts by content type, for the report and returned-message types. */
  parts: Map<string, string[]>;
  /** The body as received, after the header block. */
  rawBody: string;
}

/** Content types whose decoded content the parsers read. */
const KEPT_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'message/feedback-report',
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'text/rfc822-header',
  'message/rfc822-headers',
  'text/plain',
]);

/**
 * Characters of the decoded text that the parsers read. Bounces explain themselves in their first
 * kilobytes, and the limit bounds the work that a hostile message can cause.
 */
const MAX_TEXT_LENGTH = 256 * 1024;

/** Parses a raw message with mailparser, CRLF or LF line ends alike. */
export async function readInboundMessage(raw: Buffer | string): Promise<InboundMessage> {
  const mail = await simpleParser(raw, { keepDeliveryStatus: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  // latin1 maps each byte to one character, so no byte of a body in another charset is lost.
  const rawText = typeof raw === 'string' ? raw : raw.toString('latin1');
  const fields = parseHeaderFields(headerBlock(rawText));
  const header: HeaderLookup = (name) => fieldValue(fields, name) ?? undefined;
  const rawBody = rawText.slice(headerBlock(rawText).length).replace(/^\r?\n\r?\n/, '');

  const parts = new Map<string, string[]>();
  for (const attachment of mail.attachments) {
    const type = attachment.contentType.toLowerCase();
    if (KEPT_TYPES.has(type)) parts.set(type, [...(parts.get(type) ?? []), contentOf(attachment)]);
  }

  const text = [mail.text ?? '', ...(parts.get('text/plain') ?? [])].join('\n').trim();
  return {
    header,
    subject: mail.subject ?? '',
    from: addressesIn(fields.filter((field) => field.name === 'from').map((field) => field.value)),
    to: addressesIn(fields.filter((field) => field.name === 'to' || field.name === 'cc').map((field) => field.value)),
    receivedFor: fields.filter((field) => field.name === 'received').flatMap((field) => addressesIn([/\bfor\s+<?([^\s<>;]+)/i.exec(field.value)?.[1] ?? ''])),
    reportType: reportTypeOf(header('content-type')),
    text: (text.length > 0 ? text : rawBody).slice(0, MAX_TEXT_LENGTH),
    parts,
    rawBody,
  };
}

/** Returns the addresses in header values, in lower case. */
export function addressesIn(values: string[]): string[] {
  return values.flatMap((value) => value.split(',').flatMap((item) => addressOf(item) ?? []));
}

function contentOf(attachment: Attachment): string {
  return attachment.content.toString('utf8');
}

function reportTypeOf(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*multipart\/report/i.test(contentType)) return null;
  return /report-type\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1].toLowerCase() ?? null;
}
