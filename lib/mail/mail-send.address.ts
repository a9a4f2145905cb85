import { childPath, hasLineBreak, isJsonObject, ownValue } from './mail-send.checks.js';
import type { FieldErrorList } from './mail-send.errors.js';

/**
 * Limits in UTF-8 octets. RFC 5321 section 4.5.3.1.3 caps a forward-path at 256 octets,
 * including its angle brackets, which leaves 254 for the address. Section 4.5.3.1.1 caps the local part at 64.
 */
const MAX_ADDRESS_OCTETS = 254;
const MAX_LOCAL_PART_OCTETS = 64;
const MAX_DOMAIN_LABEL_LENGTH = 63;

/** Whitespace, control characters and the RFC 5322 specials that only a quoted local part may contain. */
const FORBIDDEN_LOCAL_PART_CHARACTER = /[\s\p{Cc}()<>[\]\\,;:@"]/u;

/** A domain label: letters (any script, for IDN), digits and inner hyphens. */
const DOMAIN_LABEL = /^[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?$/u;

const ALL_DIGITS = /^\p{N}+$/u;

/**
 * Returns whether `email` is an acceptable mailbox address: one `@`, a non-empty local part
 * without whitespace or specials, and a domain of at least two labels whose last one is not
 * numeric. Unicode (IDN) domains and local parts are accepted.
 *
 * NOTE: quoted local parts (`"a b"@example.com`) and address literals (`user@[192.0.2.1]`)
 * are valid in RFC 5321 but rejected here. Label lengths are counted in characters of the
 * Unicode form, not of the punycode form that DNS uses.
 */
export function isValidEmailAddress(email: string): boolean {
  // A character takes at least one octet, so the cheap length test runs first.
  if (email.length > MAX_ADDRESS_OCTETS || Buffer.byteLength(email, 'utf8') > MAX_ADDRESS_OCTETS) {
    return false;
  }

  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@')) {
    return false;
  }

  return isValidLocalPart(email.slice(0, at)) && isValidDomain(email.slice(at + 1));
}

function isValidLocalPart(localPart: string): boolean {
  if (Buffer.byteLength(localPart, 'utf8') > MAX_LOCAL_PART_OCTETS || FORBIDDEN_LOCAL_PART_CHARACTER.test(localPart)) {
    return false;
  }

  return !localPart.startsWith('.') && !localPart.endsWith('.') && !localPart.includes('..');
}

function isValidDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2) {
    return false;
  }

  const labelsValid = labels.every(
    (label) => label.length <= MAX_DOMAIN_LABEL_LENGTH && DOMAIN_LABEL.test(label),
  );
  return labelsValid && !ALL_DIGITS.test(labels[labels.length - 1]);
}

/** Error messages for an address in one role (`from`, `reply_to`, an item of `to`, …). */
export interface AddressMessages {
  /** Name of the role in messages, such as `from` or `cc`. */
  label: string;
  /** Message when the address is not an object. */
  notObject: string;
  /** Message when `email` is a string but not a valid address. */
  invalidEmail: string;
}

/** A valid address of a list, lowercased for duplicate checks, with the path of its `email`. */
export interface CheckedAddress {
  email: string;
  field: string;
}

/**
 * Checks one `{email, name?}` object at `field`. Returns the lowercased email when it is
 * valid, else undefined (and the problem is reported).
 */
export function checkAddress(
  value: unknown,
  field: string,
  messages: AddressMessages,
  errors: FieldErrorList,
): string | undefined {
  if (!isJsonObject(value)) {
    errors.add(field, messages.notObject);
    return undefined;
  }

  checkDisplayName(ownValue(value, 'name'), childPath(field, 'name'), messages.label, errors);
  return checkEmail(ownValue(value, 'email'), childPath(field, 'email'), messages, errors);
}

function checkEmail(
  email: unknown,
  field: string,
  messages: AddressMessages,
  errors: FieldErrorList,
): string | undefined {
  if (email === undefined) {
    errors.add(field, `The ${messages.label} email parameter is required.`);
    return undefined;
  }

  if (typeof email !== 'string') {
    errors.add(field, `The ${messages.label} email parameter must be a string.`);
    return undefined;
  }

  if (!isValidEmailAddress(email)) {
    errors.add(field, messages.invalidEmail);
    return undefined;
  }

  return email.toLowerCase();
}

function checkDisplayName(name: unknown, field: string, label: string, errors: FieldErrorList): void {
  if (name === undefined) {
    return;
  }

  if (typeof name !== 'string') {
    errors.add(field, `The ${label} name parameter must be a string.`);
  } else if (hasLineBreak(name)) {
    errors.add(field, `The ${label} name cannot contain line breaks (CR or LF).`);
  }
}

/**
 * Checks an array of addresses at `field` (type and each item, not its length). Returns the
 * valid addresses and the number of items, or undefined when the value is not an array.
 */
export function checkAddressList(
  value: unknown,
  field: string,
  messages: AddressMessages,
  errors: FieldErrorList,
): { valid: CheckedAddress[]; count: number } | undefined {
  if (!Array.isArray(value)) {
    errors.add(field, `The ${messages.label} parameter must be an array.`);
    return undefined;
  }

  const valid: CheckedAddress[] = [];
  value.forEach((item: unknown, index) => {
    const itemField = childPath(field, index);
    const email = checkAddress(item, itemField, messages, errors);
    if (email !== undefined) {
      valid.push({ email, field: childPath(itemField, 'email') });
    }
  });

  return { valid, count: value.length };
}

/** Messages for an item of `to`, `cc`, `bcc` or `reply_to_list`, in SendGrid's wording. */
export function listItemMessages(label: string): AddressMessages {
  return {
    label,
    notObject: `Each ${label} address must be an object with an email parameter and an optional name parameter.`,
    invalidEmail: 'Does not contain a valid address.',
  };
}
