import { childPath, hasLineBreak, isJsonObject, ownValue } from './mail-send.checks.js';
import type { FieldErrorList } from './mail-send.errors.js';

const CONTENT_REQUIRED =
  'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined ' +
  'content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.';

/**
 * Checks `content`. It is required without a template. With a template it is allowed here,
 * because a legacy template wraps it. The send path rejects it for dynamic templates, which
 * supply the body themselves. Each block needs a type and a value, each type appears once,
 * and `text/plain` comes before `text/html`.
 */
export function checkContent(value: unknown, hasTemplate: boolean, errors: FieldErrorList): void {
  const field = 'content';

  if (value === undefined) {
    if (!hasTemplate) {
      errors.add(field, CONTENT_REQUIRED);
    }
    return;
  }

  if (!Array.isArray(value)) {
    errors.add(field, 'The content parameter must be an array.');
    return;
  }

  if (value.length === 0) {
    if (!hasTemplate) {
      errors.add(field, CONTENT_REQUIRED);
    }
    return;
  }

  const types = value.map((block: unknown, index) => checkContentBlock(block, childPath(field, index), errors));
  checkContentTypes(types, errors);
}

/** Checks one `{type, value}` block and returns its lowercased type when that is a usable string. */
function checkContentBlock(block: unknown, field: string, errors: FieldErrorList): string | undefined {
  if (!isJsonObject(block)) {
    errors.add(field, 'Each content block must be an object with type and value parameters.');
    return undefined;
  }

  const contentValue = ownValue(block, 'value');
  if (typeof contentValue !== 'string' || contentValue.length === 0) {
    errors.add(childPath(field, 'value'), 'The content value must be a string at least one character in length.');
  }

  const type = ownValue(block, 'type');
  const typeField = childPath(field, 'type');
  if (typeof type !== 'string' || type.length === 0) {
    errors.add(typeField, 'The content type must be a string at least one character in length.');
    return undefined;
  }

  if (hasLineBreak(type)) {
    errors.add(typeField, 'The content type cannot contain line breaks (CR or LF).');
    return undefined;
  }

  return type.toLowerCase();
}

/** Reports repeated types and a `text/html` block placed before the `text/plain` block. */
function checkContentTypes(types: Array<string | undefined>, errors: FieldErrorList): void {
  const seen = new Set<string>();

  types.forEach((type, index) => {
    if (type === undefined) {
      return;
    }

    if (seen.has(type)) {
      errors.add(
        childPath(childPath('content', index), 'type'),
        `The content type ${type} appears more than once. Each content type may be given only once.`,
      );
    }

    seen.add(type);
  });

  const plainIndex = types.indexOf('text/plain');
  const htmlIndex = types.indexOf('text/html');
  if (plainIndex !== -1 && htmlIndex !== -1 && htmlIndex < plainIndex) {
    errors.add('content', 'If present, text/plain content must come before text/html content.');
  }
}
