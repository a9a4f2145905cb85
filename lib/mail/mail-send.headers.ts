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
 * reserved, each value a string without CR or LF. Errors name the path `<field>.<header name>`.
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

function checkHeader(name: string, value: unknown, field: string, errors: FieldErrorList): void {
  const quotedName = JSON.stringify(name);

  if (hasLineBreak(name)) {
    errors.add(field, `The header name ${quotedName} cannot contain line breaks (CR or LF).`);
  } else if (!isValidHeaderName(name)) {
    errors.add(
      field,
      `The header name ${quotedName} is invalid. Header names may contain only printable ASCII characters other than colon and space.`,
    );
  } else if (RESERVED_HEADER_NAMES.has(name.toLowerCase())) {
    errors.add(field, `The header ${name} is reserved and cannot be set through headers.`);
  }

  if (typeof value !== 'string') {
    errors.add(field, `The value of header ${quotedName} must be a string.`);
  } else if (hasLineBreak(value)) {
    errors.add(field, `The value of header ${quotedName} cannot contain line breaks (CR or LF).`);
  }
}
