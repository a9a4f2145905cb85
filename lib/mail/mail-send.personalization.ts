import { checkAddressList, listItemMessages, type CheckedAddress } from './mail-send.address.js';
import {
  checkSendAt,
  checkStringMap,
  checkSubjectText,
  childPath,
  isJsonObject,
  ownValue,
  type JsonObject,
} from './mail-send.checks.js';
import type { FieldErrorList } from './mail-send.errors.js';
import { checkHeaders } from './mail-send.headers.js';

export const MAX_PERSONALIZATIONS = 1000;
/** Limit on to + cc + bcc, summed over every personalization of a request. */
export const MAX_RECIPIENTS = 1000;
export const MAX_SUBSTITUTIONS_BYTES = 10_000;

const RECIPIENT_LISTS = ['to', 'cc', 'bcc'] as const;

const PERSONALIZATIONS_REQUIRED =
  'The personalizations field is required and must have at least one personalization.';
const TO_REQUIRED =
  'The to array is required for all personalization objects, and must have at least one email object with a valid email address.';
const TOO_MANY_RECIPIENTS =
  `The total number of recipients must be no more than ${MAX_RECIPIENTS}. This includes all recipients defined ` +
  'within the to, cc, and bcc parameters, across each object that you include in the personalizations array.';

/** Checks the `personalizations` array: its length, every personalization and the total number of recipients. */
export function checkPersonalizations(value: unknown, errors: FieldErrorList): void {
  const field = 'personalizations';

  if (value === undefined) {
    errors.add(field, PERSONALIZATIONS_REQUIRED);
    return;
  }

  if (!Array.isArray(value)) {
    errors.add(field, 'The personalizations parameter must be an array.');
    return;
  }

  if (value.length === 0) {
    errors.add(field, PERSONALIZATIONS_REQUIRED);
  } else if (value.length > MAX_PERSONALIZATIONS) {
    errors.add(field, `The personalizations array may contain at most ${MAX_PERSONALIZATIONS} personalizations.`);
  }

  let recipients = 0;
  value.forEach((item: unknown, index) => {
    recipients += checkPersonalization(item, childPath(field, index), errors);
  });

  if (recipients > MAX_RECIPIENTS) {
    errors.add(field, TOO_MANY_RECIPIENTS);
  }
}

/** Returns whether `value` is a non-empty array whose items all carry a non-empty string subject. */
export function everyPersonalizationHasSubject(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) {
    return false;
  }

  return value.every((item: unknown) => {
    const subject = isJsonObject(item) ? ownValue(item, 'subject') : undefined;
    return typeof subject === 'string' && subject.length > 0;
  });
}

/** Checks one personalization and returns its number of recipients (to + cc + bcc items). */
function checkPersonalization(value: unknown, field: string, errors: FieldErrorList): number {
  if (!isJsonObject(value)) {
    errors.add(field, 'Each personalization must be an object.');
    return 0;
  }

  const recipients = checkRecipients(value, field, errors);

  checkSubjectText(ownValue(value, 'subject'), childPath(field, 'subject'), errors);
  checkHeaders(ownValue(value, 'headers'), childPath(field, 'headers'), errors);
  checkSubstitutions(ownValue(value, 'substitutions'), childPath(field, 'substitutions'), errors);
  checkDynamicTemplateData(ownValue(value, 'dynamic_template_data'), childPath(field, 'dynamic_template_data'), errors);
  checkStringMap(ownValue(value, 'custom_args'), childPath(field, 'custom_args'), 'custom_args', errors);
  checkSendAt(ownValue(value, 'send_at'), childPath(field, 'send_at'), errors);

  return recipients;
}

function checkRecipients(personalization: JsonObject, field: string, errors: FieldErrorList): number {
  const to = ownValue(personalization, 'to');
  if (to === undefined || (Array.isArray(to) && to.length === 0)) {
    errors.add(childPath(field, 'to'), TO_REQUIRED);
  } else if (Array.isArray(to) && to.length > MAX_RECIPIENTS) {
    errors.add(childPath(field, 'to'), `The to array may contain at most ${MAX_RECIPIENTS} recipients.`);
  }

  let count = 0;
  const addresses: CheckedAddress[] = [];
  for (const label of RECIPIENT_LISTS) {
    const list = ownValue(personalization, label);
    if (list === undefined) {
      continue;
    }

    const checked = checkAddressList(list, childPath(field, label), listItemMessages(label), errors);
    if (checked === undefined) {
      continue;
    }

    count += checked.count;
    // A loop instead of push(...items): spreading a very long array overflows the call stack.
    for (const address of checked.valid) {
      addresses.push(address);
    }
  }

  checkUniqueRecipients(addresses, errors);
  return count;
}

/** Reports every address that repeats an earlier one of the same personalization, ignoring case. */
function checkUniqueRecipients(addresses: CheckedAddress[], errors: FieldErrorList): void {
  const seen = new Set<string>();

  for (const address of addresses) {
    if (seen.has(address.email)) {
      errors.add(
        address.field,
        'Each email address in the personalization block should be unique between to, cc, and bcc. ' +
          `The address ${address.email} appears more than once.`,
      );
    }

    seen.add(address.email);
  }
}

function checkSubstitutions(value: unknown, field: string, errors: FieldErrorList): void {
  const substitutions = checkStringMap(value, field, 'substitutions', errors);
  if (substitutions === undefined) {
    return;
  }

  let bytes = 0;
  for (const [key, entry] of Object.entries(substitutions)) {
    bytes += Buffer.byteLength(key, 'utf8');
    if (typeof entry === 'string') {
      bytes += Buffer.byteLength(entry, 'utf8');
    }
  }

  if (bytes > MAX_SUBSTITUTIONS_BYTES) {
    errors.add(
      field,
      `The substitutions of a personalization may total at most ${MAX_SUBSTITUTIONS_BYTES} bytes of keys and values (UTF-8), but these total ${bytes}.`,
    );
  }
}

function checkDynamicTemplateData(value: unknown, field: string, errors: FieldErrorList): void {
  if (value !== undefined && !isJsonObject(value)) {
    errors.add(field, 'The dynamic_template_data parameter must be an object.');
  }
}
