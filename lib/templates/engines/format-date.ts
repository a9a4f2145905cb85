const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The format of `formatDate` without a format argument: ISO 8601 with the offset. */
export const DEFAULT_DATE_FORMAT = 'YYYY-MM-DDTHH:mm:ssZ';

/** Longer tokens come first so that `MMMM` is not read as `MM` twice; `[text]` is literal text. */
const FORMAT_TOKEN = /\[([^\]]*)]|YYYY|YY|MMMM|MMM|MM|M|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|A|a|ZZ|Z/g;

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;
const EPOCH = /^-?\d+(?:\.\d+)?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/**
 * Epoch values below this are Unix seconds, others milliseconds: 1e11 seconds is the year 5138,
 * 1e11 milliseconds is March 1973.
 */
const SECONDS_LIMIT = 1e11;

/**
 * Formats a date with SendGrid's `formatDate` tokens: YYYY, YY, MMMM, MMM, MM, M, DD, D, dddd,
 * ddd, HH, H, hh, h, mm, m, ss, s, A, a, ZZ as `-0800` and Z as `-08:00`. Text in brackets is
 * copied as is. The date is an ISO 8601 string or a Unix time in seconds or milliseconds, and ISO
 * times without an offset are UTC. The offset (`-0800` or `-08:00`) shifts the output from UTC.
 * Returns an empty string for a date that does not parse.
 */
export function formatDate(value: unknown, format: unknown = DEFAULT_DATE_FORMAT, offset?: unknown): string {
  const time = parseDate(value);
  if (time === null) return '';

  const offsetMinutes = parseOffset(offset);
  const date = new Date(time + offsetMinutes * 60_000);
  const pattern = typeof format === 'string' ? format : DEFAULT_DATE_FORMAT;
  return pattern.replace(FORMAT_TOKEN, (token: string, literal: string | undefined) => literal ?? formatToken(token, date, offsetMinutes));
}

/** Returns the Unix time in milliseconds of an ISO 8601 string or an epoch value, or null. */
export function parseDate(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? fromEpoch(value) : null;
  if (typeof value !== 'string') return null;

  const text = value.trim();
  if (EPOCH.test(text)) return fromEpoch(Number(text));

  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const [, day, clock, zone] = match;
  // JavaScript reads a date-time without an offset as local time; templates render in UTC.
  const iso = clock ? `${day}T${clock}${normalizeZone(zone)}` : `${day}T00:00:00Z`;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : time;
}

/** Returns the offset in minutes east of UTC of `-0800`, `+05:30` or `Z`; anything else is UTC. */
export function parseOffset(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const match = OFFSET.exec(value.trim());
  if (!match) return 0;

  const [, sign, hours, minutes] = match;
  const total = Number(hours) * 60 + Number(minutes);
  return sign === '-' ? -total : total;
}

function fromEpoch(value: number): number {
  return Math.abs(value) < SECONDS_LIMIT ? value * 1000 : value;
}

function normalizeZone(zone: string | undefined): string {
  if (!zone || zone.toUpperCase() === 'Z') return 'Z';
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

function formatToken(token: string, date: Date, offsetMinutes: number): string {
  const hours = date.getUTCHours();
  switch (token) {
    case 'YYYY': return String(date.getUTCFullYear()).padStart(4, '0');
    case 'YY': return String(date.getUTCFullYear() % 100).padStart(2, '0');
    case 'MMMM': return MONTHS[date.getUTCMonth()] as string;
    case 'MMM': return (MONTHS[date.getUTCMonth()] as string).slice(0, 3);
    case 'MM': return pad(date.getUTCMonth() + 1);
    case 'M': return String(date.getUTCMonth() + 1);
    case 'DD': return pad(date.getUTCDate());
    case 'D': return String(date.getUTCDate());
    case 'dddd': return WEEKDAYS[date.getUTCDay()] as string;
    case 'ddd': return (WEEKDAYS[date.getUTCDay()] as string).slice(0, 3);
    case 'HH': return pad(hours);
    case 'H': return String(hours);
    case 'hh': return pad(hours % 12 || 12);
    case 'h': return String(hours % 12 || 12);
    case 'mm': return pad(date.getUTCMinutes());
    case 'm': return String(date.getUTCMinutes());
    case 'ss': return pad(date.getUTCSeconds());
    case 's': return String(date.getUTCSeconds());
    case 'A': return hours < 12 ? 'AM' : 'PM';
    case 'a': return hours < 12 ? 'am' : 'pm';
    case 'ZZ': return formatOffset(offsetMinutes, '');
    default: return formatOffset(offsetMinutes, ':');
  }
}

function formatOffset(minutes: number, separator: string): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60))}${separator}${pad(absolute % 60)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
