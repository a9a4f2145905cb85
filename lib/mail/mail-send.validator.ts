import { checkAddress, checkAddressList, listItemMessages, type AddressMessages } from './mail-send.address.js';
import { checkAttachments } from './mail-send.attachments.js';
import {
  checkOptionalString,
  checkSendAt,
  checkStringMap,
  checkSubjectText,
  childPath,
  isJsonObject,
  ownValue,
  type JsonObject,
} from './mail-send.checks.js';
import { checkContent } from './mail-send.content.js';
import { FieldErrorList } from './mail-send.errors.js';
import { checkHeaders } from './mail-send.headers.js';
import { checkPersonalizations, everyPersonalizationHasSubject } from './mail-send.personalization.js';
import { checkAsm, checkMailSettings, checkTrackingSettings } from './mail-send.settings.js';
import type { Attachment, FieldError, MailSendRequest } from './mail-send.types.js';

export const MAX_CATEGORIES = 10;
export const MAX_CATEGORY_LENGTH = 255;
export const MAX_REPLY_TO_LIST = 1000;
export const MIN_IP_POOL_NAME_LENGTH = 2;
export const MAX_IP_POOL_NAME_LENGTH = 64;

/** Outcome of {@link validateMailSend}: the typed body, or every problem found. */
export type ValidationResult = { ok: true; value: MailSendRequest } | { ok: false; errors: FieldError[] };

const FROM_MESSAGES: AddressMessages = {
  label: 'from',
  notObject:
    'The from object must be provided for every email send. It is an object that requires an email parameter, ' +
    'but may also contain a name parameter.',
  invalidEmail: 'The from email does not contain a valid address.',
};

const REPLY_TO_MESSAGES: AddressMessages = {
  label: 'reply_to',
  notObject: 'The reply_to parameter must be an object with an email parameter and an optional name parameter.',
  invalidEmail: 'The reply_to email does not contain a valid address.',
};

const SUBJECT_REQUIRED =
  'The subject is required. You can get around this requirement if you use a template with a subject defined ' +
  'or if every personalization has a subject defined.';

/**
 * Validates the body of `POST /v3/mail/send` against SendGrid's v3 rules and reports every
 * problem at once, each with a dotted `field` path. It does not throw for any value that `JSON.parse` can return.
 *
 * It checks shape, types and limits only. Whether the template exists, the sender domain is
 * verified, and `send_at` lies within 72 hours is checked where the database and clock are.
 * The returned value is a shallow copy in which every attachment has a `disposition`.
 */
export function validateMailSend(body: unknown): ValidationResult {
  if (!isJsonObject(body)) {
    return { ok: false, errors: [{ message: 'The request body must be a JSON object.', field: null, help: null }] };
  }

  const errors = new FieldErrorList();
  const templateId = ownValue(body, 'template_id');

  checkPersonalizations(ownValue(body, 'personalizations'), errors);
  checkFrom(ownValue(body, 'from'), errors);
  checkReplyTo(body, errors);
  checkSubject(body, templateId !== undefined, errors);
  checkContent(ownValue(body, 'content'), templateId !== undefined, errors);
  checkTemplateId(templateId, errors);
  checkAttachments(ownValue(body, 'attachments'), errors);
  checkHeaders(ownValue(body, 'headers'), 'headers', errors);
  checkCategories(ownValue(body, 'categories'), errors);
  checkStringMap(ownValue(body, 'custom_args'), 'custom_args', 'custom_args', errors);
  checkSendAt(ownValue(body, 'send_at'), 'send_at', errors);
  checkOptionalString(ownValue(body, 'batch_id'), 'batch_id', 'batch_id', errors);
  checkAsm(ownValue(body, 'asm'), errors);
  checkIpPoolName(ownValue(body, 'ip_pool_name'), errors);
  checkMailSettings(ownValue(body, 'mail_settings'), errors);
  checkTrackingSettings(ownValue(body, 'tracking_settings'), errors);
  checkNoNullCharacters(body, null, errors);

  if (!passedChecks(body, errors)) {
    return { ok: false, errors: errors.toArray() };
  }

  return { ok: true, value: normalizeRequest(body) };
}

/**
 * Rejects U+0000 in every string and key of the body: no mail header or part can carry it, and
 * PostgreSQL text cannot store it.
 */
function checkNoNullCharacters(value: unknown, field: string | null, errors: FieldErrorList): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) errors.add(field, `The ${field ?? 'request'} value contains a null character (U+0000).`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkNoNullCharacters(item, field === null ? String(index) : childPath(field, index), errors));
    return;
  }
  if (!isJsonObject(value)) return;

  for (const key of Object.keys(value)) {
    const path = field === null ? key : childPath(field, key);
    if (key.includes('\u0000')) errors.add(path, 'A field name contains a null character (U+0000).');
    checkNoNullCharacters(ownValue(value, key), path, errors);
  }
}

/** Narrows a body on which every check ran without an error, since those checks establish the request shape. */
function passedChecks(body: JsonObject, errors: FieldErrorList): body is JsonObject & MailSendRequest {
  return errors.isEmpty;
}

function checkFrom(value: unknown, errors: FieldErrorList): void {
  if (value === undefined) {
    errors.add('from', FROM_MESSAGES.notObject);
    return;
  }

  checkAddress(value, 'from', FROM_MESSAGES, errors);
}

/** Checks `reply_to` and `reply_to_list`, which may not be used together. */
function checkReplyTo(body: JsonObject, errors: FieldErrorList): void {
  const replyTo = ownValue(body, 'reply_to');
  const replyToList = ownValue(body, 'reply_to_list');

  if (replyTo !== undefined) {
    checkAddress(replyTo, 'reply_to', REPLY_TO_MESSAGES, errors);
  }

  if (replyToList !== undefined) {
    const checked = checkAddressList(replyToList, 'reply_to_list', listItemMessages('reply_to_list'), errors);
    if (checked !== undefined && (checked.count < 1 || checked.count > MAX_REPLY_TO_LIST)) {
      errors.add('reply_to_list', `The reply_to_list array must contain between 1 and ${MAX_REPLY_TO_LIST} addresses.`);
    }
  }

  if (replyTo !== undefined && replyToList !== undefined) {
    errors.add('reply_to_list', 'The reply_to and reply_to_list parameters cannot be used together. Use only one of them.');
  }
}

/**
 * Checks the top-level subject. It may be left out when a template is given (the template
 * supplies one) or when every personalization has its own.
 */
function checkSubject(body: JsonObject, hasTemplate: boolean, errors: FieldErrorList): void {
  const subject = ownValue(body, 'subject');
  checkSubjectText(subject, 'subject', errors);

  const hasSubject = typeof subject === 'string' && subject.length > 0;
  if (hasSubject || hasTemplate || everyPersonalizationHasSubject(ownValue(body, 'personalizations'))) {
    return;
  }

  // A subject of the wrong type has already been reported.
  if (subject === undefined || subject === '') {
    errors.add('subject', SUBJECT_REQUIRED);
  }
}

function checkTemplateId(value: unknown, errors: FieldErrorList): void {
  const templateId = checkOptionalString(value, 'template_id', 'template_id', errors);
  if (templateId !== undefined && !templateId.startsWith('d-')) {
    errors.add(
      'template_id',
      'The template_id must be the id of a dynamic template, which starts with d-. Legacy templates are not supported.',
    );
  }
}

/** Checks `categories`: at most {@link MAX_CATEGORIES} unique strings of 1 to {@link MAX_CATEGORY_LENGTH} characters. */
function checkCategories(value: unknown, errors: FieldErrorList): void {
  if (value === undefined) {
    return;
  }

  if (!Array.isArray(value)) {
    errors.add('categories', 'The categories parameter must be an array of strings.');
    return;
  }

  if (value.length > MAX_CATEGORIES) {
    errors.add('categories', `The categories array may contain at most ${MAX_CATEGORIES} categories.`);
  }

  const seen = new Set<string>();
  value.forEach((category: unknown, index) => {
    const field = childPath('categories', index);

    if (typeof category !== 'string') {
      errors.add(field, 'Each category must be a string.');
    } else if (category.length < 1 || category.length > MAX_CATEGORY_LENGTH) {
      errors.add(field, `Each category must be between 1 and ${MAX_CATEGORY_LENGTH} characters.`);
    } else if (seen.has(category)) {
      errors.add(field, `The category ${JSON.stringify(category)} appears more than once. Categories must be unique.`);
    }

    if (typeof category === 'string') {
      seen.add(category);
    }
  });
}

function checkIpPoolName(value: unknown, errors: FieldErrorList): void {
  const name = checkOptionalString(value, 'ip_pool_name', 'ip_pool_name', errors);
  if (name !== undefined && (name.length < MIN_IP_POOL_NAME_LENGTH || name.length > MAX_IP_POOL_NAME_LENGTH)) {
    errors.add(
      'ip_pool_name',
      `The ip_pool_name must be between ${MIN_IP_POOL_NAME_LENGTH} and ${MAX_IP_POOL_NAME_LENGTH} characters.`,
    );
  }
}

/** Copies a validated body, giving each attachment its default `attachment` disposition. */
function normalizeRequest(body: MailSendRequest): MailSendRequest {
  const request: MailSendRequest = { ...body };
  if (request.attachments !== undefined) {
    request.attachments = request.attachments.map(
      (attachment): Attachment => ({ ...attachment, disposition: attachment.disposition ?? 'attachment' }),
    );
  }

  return request;
}
