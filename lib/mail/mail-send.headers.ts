import { formatUserHeader } from '../delivery/header-encoding.js';
import { childPath, hasLineBreak, isJsonObject } from './mail-send.checks.js';
import type { FieldErrorList } from './mail-send.errors.js';

/**
 * Header names (lowercase) that a request may not set, because ScaiSend writes them from other
 * fields of the request or while signing and delivering the message.
 */
export const RESERVED_HEADER_NAMES: ReadonlySet<string> = new Set([
  'x-sg-id',
  'x-sg-eid',
  'received',
  'dkim-signature',
  'content-type',
  'content-transfer-encoding',
  'to',
  'from',
  'subject',
  'reply-to',
  'cc',
  'bcc',
  'date',
  'message-id',
  'mime-version',
  'return-path',
  'sender',
  'x-scaisend-message-id',
]);

/** Returns whether `name` is a header field name of RFC 5322 section 2.2: printable ASCII (33-126) except `:`. */
export function isValidHeaderName(name: string): boolean {
  if (name.length === 0) {
    return false;
  }

  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code < 33 || code > 126 || code === 58) {
      return false;
    }
  }

  return true;
}

/**
 * Checks a `headers` object (top level or per personalization): each name valid and not
 * reserved, each value a string without CR or LF that {@link checkHeaderFitsLines} accepts.
 * Errors name the path `<field>.<header name>`.
 */
export function checkHeaders(value: unknown, field: string, errors: FieldErrorList): void {
  if (value === undefined) {
    return;
  }

  if (!isJsonObject(value)) {
    errors.add(field, 'The headers parameter must be an object of header names to string values.');
    return;
  }

  for (const [name, headerValue] of Object.entries(value)) {
    checkHeader(name, headerValue, childPath(field, name), errors);
  }
}

/**
 * Checks that the message builder can write header `name` in lines of at most 998 octets
 * (RFC 5322 section 2.1.1), and reports why not at `field`.
 *
 * An unstructured header, such as `X-Token`, is folded at whitespace and RFC 2047-encoded when a
 * run without whitespace is too long, so only a name of more than 997 characters fails. A
 * structured header (`STRUCTURED_HEADER_NAMES` of the builder, such as `List-Unsubscribe` or
 * `References`) can be neither encoded nor folded inside a run. It fails when its value has
 * non-ASCII or control characters, or a run without whitespace longer than 997 octets.
 */
export function checkHeaderFitsLines(name: string, value: string, field: string, errors: FieldErrorList): void {
  const result = formatUserHeader(name, value);
  if ('problem' in result) {
    errors.add(field, result.problem);
  }
}

function checkHeader(name: string, value: unknown, field: string, errors: FieldErrorList): void {
  const quotedName = JSON.stringify(name);
  let nameValid = false;

  if (hasLineBreak(name)) {
    errors.add(field, `The header name ${quotedName} cannot contain line breaks (CR or LF).`);
  } else if (!isValidHeaderName(name)) {
    errors.add(
      field,
      `The header name ${quotedName} is invalid. Header names may contain only printable ASCII characters other than colon and space.`,
    );
  } else if (RESERVED_HEADER_NAMES.has(name.toLowerCase())) {
    errors.add(field, `The header ${name} is reserved and cannot be set through headers.`);
  } else {
    nameValid = true;
  }

  if (typeof value !== 'string') {
    errors.add(field, `The value of header ${quotedName} must be a string.`);
  } else if (hasLineBreak(value)) {
    errors.add(field, `The value of header ${quotedName} cannot contain line breaks (CR or LF).`);
  } else if (nameValid) {
    checkHeaderFitsLines(name, value, field, errors);
  }
}
