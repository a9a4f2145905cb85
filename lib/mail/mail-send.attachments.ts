import { checkOptionalString, childPath, hasLineBreak, isJsonObject, ownValue, type JsonObject } from './mail-send.checks.js';
import type { FieldErrorList } from './mail-send.errors.js';

export const MAX_ATTACHMENTS = 10;
export const MAX_FILENAME_LENGTH = 255;

const DISPOSITIONS: ReadonlySet<unknown> = new Set(['attachment', 'inline']);

/**
 * Returns whether `text` is strict base64 (RFC 4648 section 4): the standard alphabet, a length that
 * is a multiple of 4, at most two `=` and only at the end, no whitespace or line breaks.
 * It scans with a loop instead of a regular expression, because attachments can be megabytes long.
 */
export function isStrictBase64(text: string): boolean {
  if (text.length % 4 !== 0) {
    return false;
  }

  let padding = 0;
  if (text.endsWith('==')) {
    padding = 2;
  } else if (text.endsWith('=')) {
    padding = 1;
  }

  const dataLength = text.length - padding;
  for (let index = 0; index < dataLength; index++) {
    if (!isBase64AlphabetCode(text.charCodeAt(index))) {
      return false;
    }
  }

  return true;
}

function isBase64AlphabetCode(code: number): boolean {
  const isUpper = code >= 65 && code <= 90;
  const isLower = code >= 97 && code <= 122;
  const isDigit = code >= 48 && code <= 57;
  return isUpper || isLower || isDigit || code === 43 || code === 47;
}

/** Checks the `attachments` array: at most {@link MAX_ATTACHMENTS}, each one complete and well formed. */
export function checkAttachments(value: unknown, errors: FieldErrorList): void {
  const field = 'attachments';

  if (value === undefined) {
    return;
  }

  if (!Array.isArray(value)) {
    errors.add(field, 'The attachments parameter must be an array.');
    return;
  }

  if (value.length > MAX_ATTACHMENTS) {
    errors.add(field, `The attachments array may contain at most ${MAX_ATTACHMENTS} attachments.`);
  }

  value.forEach((item: unknown, index) => checkAttachment(item, childPath(field, index), errors));
}

function checkAttachment(value: unknown, field: string, errors: FieldErrorList): void {
  if (!isJsonObject(value)) {
    errors.add(field, 'Each attachment must be an object with content and filename parameters.');
    return;
  }

  checkAttachmentContent(ownValue(value, 'content'), childPath(field, 'content'), errors);
  checkFilename(ownValue(value, 'filename'), childPath(field, 'filename'), errors);
  checkHeaderSafeString(ownValue(value, 'type'), childPath(field, 'type'), 'attachment type', errors);
  checkDisposition(value, field, errors);
}

function checkAttachmentContent(value: unknown, field: string, errors: FieldErrorList): void {
  if (value === undefined) {
    errors.add(field, 'The attachment content parameter is required.');
  } else if (typeof value !== 'string') {
    errors.add(field, 'The attachment content parameter must be a string.');
  } else if (value.length === 0 || !isStrictBase64(value)) {
    errors.add(
      field,
      'The attachment content must be base64 encoded (RFC 4648 alphabet with = padding, without whitespace or line breaks).',
    );
  }
}

function checkFilename(value: unknown, field: string, errors: FieldErrorList): void {
  if (value === undefined) {
    errors.add(field, 'The attachment filename parameter is required.');
  } else if (typeof value !== 'string') {
    errors.add(field, 'The attachment filename parameter must be a string.');
  } else if (value.length < 1 || value.length > MAX_FILENAME_LENGTH) {
    errors.add(field, `The attachment filename must be between 1 and ${MAX_FILENAME_LENGTH} characters.`);
  } else if (hasLineBreak(value)) {
    errors.add(field, 'The attachment filename cannot contain line breaks (CR or LF).');
  }
}

/** Checks `disposition` and the `content_id` that an inline attachment requires. */
function checkDisposition(attachment: JsonObject, field: string, errors: FieldErrorList): void {
  const disposition = ownValue(attachment, 'disposition');
  if (disposition !== undefined && !DISPOSITIONS.has(disposition)) {
    errors.add(childPath(field, 'disposition'), 'The attachment disposition must be either attachment or inline.');
  }

  const contentIdField = childPath(field, 'content_id');
  const contentId = checkHeaderSafeString(ownValue(attachment, 'content_id'), contentIdField, 'content_id', errors);
  const contentIdMissing = ownValue(attachment, 'content_id') === undefined || contentId === '';
  if (disposition === 'inline' && contentIdMissing) {
    errors.add(contentIdField, 'The content_id parameter is required when the attachment disposition is inline.');
  }
}

/** Checks an optional string that ends up in a MIME header, so it may not contain CR or LF. */
function checkHeaderSafeString(
  value: unknown,
  field: string,
  label: string,
  errors: FieldErrorList,
): string | undefined {
  const text = checkOptionalString(value, field, label, errors);
  if (text !== undefined && hasLineBreak(text)) {
    errors.add(field, `The ${label} cannot contain line breaks (CR or LF).`);
  }

  return text;
}
