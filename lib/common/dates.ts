/** ISO-8601 UTC without milliseconds, as the API writes every `*_at` field. */
export function isoDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ISO-8601 UTC, or null. */
export function isoDateOrNull(date: Date | null | undefined): string | null {
  return date ? isoDate(date) : null;
}

/** Unix seconds. */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** Returns the UTC day of a date as `YYYY-MM-DD`. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
