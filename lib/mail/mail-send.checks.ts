import type { FieldErrorList } from './mail-send.errors.js';

/** A JSON object: not null and not an array. */
export type JsonObject = Record<string, unknown>;

/** Returns whether `value` is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns `object[key]` only when it is an own property. Inherited members such as
 * `constructor` or `toString` then read as absent, whatever the key.
 */
export function ownValue(object: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** Returns whether `text` contains CR or LF, which would end a header line early. */
export function hasLineBreak(text: string): boolean {
  return text.includes('\r') || text.includes('\n');
}

/** Joins a parent path and a key or index into a dotted field path. */
export function childPath(parent: string, key: string | number): string {
  return `${parent}.${key}`;
}

/** Returns whether `value` is an integer of at least zero. */
export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * Checks an optional string field. Returns the string, or undefined when it is absent
 * or has the wrong type (which is reported).
 */
export function checkOptionalString(
  value: unknown,
  field: string,
  label: string,
  errors: FieldErrorList,
): string | undefined {
  if (value === undefined) {
    return undefined;
  }

  if (typeof value !== 'string') {
    errors.add(field, `The ${label} parameter must be a string.`);
    return undefined;
  }

  return value;
}

/**
 * Checks a JSON object whose values must all be strings, such as `custom_args` or
 * `substitutions`. Returns the object, or undefined when it is absent or not an object.
 */
export function checkStringMap(
  value: unknown,
  field: string,
  label: string,
  errors: FieldErrorList,
): JsonObject | undefined {
  if (value === undefined) {
    return undefined;
  }

  if (!isJsonObject(value)) {
    errors.add(field, `The ${label} parameter must be an object of string keys to string values.`);
    return undefined;
  }

  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      errors.add(childPath(field, key), `The ${label} value of ${JSON.stringify(key)} must be a string.`);
    }
  }

  return value;
}

/** Checks `send_at` (top level or per personalization): Unix seconds, a non-negative integer. */
export function checkSendAt(value: unknown, field: string, errors: FieldErrorList): void {
  if (value === undefined || isNonNegativeInteger(value)) {
    return;
  }

  errors.add(field, 'The send_at parameter must be a Unix timestamp in seconds, as a non-negative integer.');
}

/** Checks a subject (top level or per personalization): a string without CR or LF. */
export function checkSubjectText(value: unknown, field: string, errors: FieldErrorList): void {
  if (value === undefined) {
    return;
  }

  if (typeof value !== 'string') {
    errors.add(field, 'The subject parameter must be a string.');
  } else if (hasLineBreak(value)) {
    errors.add(field, 'The subject cannot contain line breaks (CR or LF).');
  }
}
