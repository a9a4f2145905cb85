import { formatDate } from './format-date.js';
import { lengthOf } from './handlebars-helpers.js';

/**
 * Functions that eta templates may call by name, such as `<%= formatDate(it.when, "D MMM") %>`.
 * Each returns a string or a number, so no object of the host crosses into a template.
 */
export const ETA_FUNCTIONS = {
  /** SendGrid's `formatDate`: `formatDate(date, format, offset)`. */
  formatDate: (date: unknown, format?: unknown, offset?: unknown): string => formatDate(date, format ?? undefined, offset),
  /** Length of a string or an array, 0 for anything else. */
  length: (value: unknown): number => lengthOf(value),
  /** A number from a number or a numeric string, else NaN. */
  number: (value: unknown): number => toNumber(value),
  lower: (value: unknown): string => toText(value).toLowerCase(),
  upper: (value: unknown): string => toText(value).toUpperCase(),
  trim: (value: unknown): string => toText(value).trim(),
} satisfies Record<string, (...args: never[]) => string | number>;

export type EtaFunctionName = keyof typeof ETA_FUNCTIONS;

export const ETA_FUNCTION_NAMES = Object.keys(ETA_FUNCTIONS) as EtaFunctionName[];

/** Functions whose result is always a number, so a template may use it as an array index. */
export const NUMERIC_ETA_FUNCTIONS: ReadonlySet<string> = new Set<EtaFunctionName>(['length', 'number']);

/** Calls a template function by name with arguments from a template. Returns '' for an unknown name. */
export function callEtaFunction(name: string, args: ArrayLike<unknown>): string | number {
  if (!Object.hasOwn(ETA_FUNCTIONS, name)) return '';
  const fn = ETA_FUNCTIONS[name as EtaFunctionName] as (...values: unknown[]) => string | number;
  const result = fn(...Array.from(args));
  return typeof result === 'number' ? result : String(result);
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '' : String(value);
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  if (typeof value === 'boolean') return Number(value);
  return Number.NaN;
}
