import type Handlebars from 'handlebars';
import type { HelperOptions } from 'handlebars';
import { formatDate } from './format-date.js';

/**
 * Registers the helpers of SendGrid's dynamic templates besides the built-in `if`, `unless`,
 * `each` and `with`: `equals`, `notEquals`, `greaterThan`, `lessThan`, `and`, `or` (block helpers
 * with `{{else}}`, or booleans inside a subexpression), `length`, `formatDate` and `insert`.
 */
export function registerSendGridHelpers(handlebars: typeof Handlebars): void {
  // SendGrid documents `{{#equals 3 "3"}}` as true, so equality is JavaScript's loose `==`.
  handlebars.registerHelper('equals', function (this: unknown, left: unknown, right: unknown, options: HelperOptions) {
    return choose(this, left == right, options);
  });
  handlebars.registerHelper('notEquals', function (this: unknown, left: unknown, right: unknown, options: HelperOptions) {
    return choose(this, left != right, options);
  });
  handlebars.registerHelper('greaterThan', function (this: unknown, left: unknown, right: unknown, options: HelperOptions) {
    return choose(this, (left as number) > (right as number), options);
  });
  handlebars.registerHelper('lessThan', function (this: unknown, left: unknown, right: unknown, options: HelperOptions) {
    return choose(this, (left as number) < (right as number), options);
  });
  handlebars.registerHelper('and', function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as HelperOptions;
    return choose(this, args.every(isTruthy), options);
  });
  handlebars.registerHelper('or', function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as HelperOptions;
    return choose(this, args.some(isTruthy), options);
  });
  handlebars.registerHelper('length', (value: unknown) => lengthOf(value));
  handlebars.registerHelper('formatDate', (...args: unknown[]) => {
    args.pop();
    const [date, format, offset] = args;
    return formatDate(date, format ?? undefined, offset);
  });
  handlebars.registerHelper('insert', (value: unknown, fallback: unknown) => insert(value, fallback));
}

/**
 * Returns the length of a string or an array, and 0 for anything else, as SendGrid's `length`.
 */
export function lengthOf(value: unknown): number {
  return typeof value === 'string' || Array.isArray(value) ? value.length : 0;
}

/**
 * Returns `value`, or the default when `value` is missing or empty. SendGrid writes the default
 * as `"default=Customer"` and also accepts the bare text.
 */
export function insert(value: unknown, fallback: unknown): unknown {
  if (value !== undefined && value !== null && value !== '') return value;
  if (typeof fallback !== 'string') return '';
  return fallback.startsWith('default=') ? fallback.slice('default='.length) : fallback;
}

/**
 * Reports truthiness as SendGrid's `and` and `or` do: empty strings, zero and empty arrays are
 * false, as in Handlebars' `if`.
 */
function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/** Renders the block or its `{{else}}` branch, or returns the boolean inside a subexpression. */
function choose(context: unknown, condition: boolean, options: HelperOptions | undefined): unknown {
  if (typeof options?.fn !== 'function') return condition;
  return condition ? options.fn(context) : options.inverse(context);
}
