/**
 * Classes of routes that share a limit. `mail_send` is `POST /v3/mail/send`, `webhook_create`
 * and `api_key_create` the creation of webhook endpoints and API keys, `messages_list`
 * `GET /v3/messages`, and `default` every other authenticated route.
 */
export type RateLimitClass = 'mail_send' | 'webhook_create' | 'api_key_create' | 'messages_list' | 'default';

/** At most `limit` requests in each window of `windowSeconds`. */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

export const RATE_LIMIT_CLASSES: readonly RateLimitClass[] = ['mail_send', 'webhook_create', 'api_key_create', 'messages_list', 'default'];

/** Limits of each class when the options change none. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitClass, RateLimitRule>> = {
  mail_send: { limit: 10_000, windowSeconds: 1 },
  webhook_create: { limit: 10, windowSeconds: 60 },
  api_key_create: { limit: 10, windowSeconds: 60 },
  messages_list: { limit: 100, windowSeconds: 1 },
  default: { limit: 1_000, windowSeconds: 1 },
};

/** Whose requests a class counts together: all of a tenant's, or each credential's apart. */
export const RATE_LIMIT_SCOPES: Readonly<Record<RateLimitClass, 'tenant' | 'credential'>> = {
  mail_send: 'tenant',
  webhook_create: 'tenant',
  api_key_create: 'tenant',
  messages_list: 'credential',
  default: 'credential',
};

/** Counter of one key in the current window. */
export interface RateLimitHit {
  /** Requests counted in the window, this one included. */
  count: number;
  /** End of the window, in milliseconds since the epoch. */
  resetAt: number;
}

/**
 * Counters of fixed windows, shared by the processes that should share limits. A window of
 * `windowMs` starts at each multiple of `windowMs` since the epoch.
 */
export interface RateLimitStore {
  /** Counts one request for `key` in the window that contains `now` and returns the window's count. */
  hit(key: string, windowMs: number, now: number): Promise<RateLimitHit>;
  /** Releases connections and timers of its own. */
  close?(): Promise<void>;
}

/** Returns the start and end of the window of `windowMs` that contains `now`. */
export function windowOf(windowMs: number, now: number): { start: number; resetAt: number } {
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, resetAt: start + windowMs };
}

/** Returns the problems of a `rateLimits` option, one line each. */
export function rateLimitOptionProblems(rateLimits: unknown): string[] {
  if (rateLimits === undefined || rateLimits === false) return [];
  if (typeof rateLimits !== 'object' || rateLimits === null) return ['rateLimits: must be false or an object of route classes'];

  const problems: string[] = [];
  for (const [name, rule] of Object.entries(rateLimits)) {
    if (!RATE_LIMIT_CLASSES.includes(name as RateLimitClass)) {
      problems.push(`rateLimits.${name}: unknown route class; expected one of ${RATE_LIMIT_CLASSES.join(', ')}`);
      continue;
    }
    const { limit, windowSeconds } = (rule ?? {}) as Partial<RateLimitRule>;
    if (!Number.isInteger(limit) || (limit as number) < 1) problems.push(`rateLimits.${name}.limit: must be a whole number of requests, at least 1`);
    if (typeof windowSeconds !== 'number' || !Number.isFinite(windowSeconds) || windowSeconds <= 0) problems.push(`rateLimits.${name}.windowSeconds: must be a positive number of seconds`);
  }
  return problems;
}

/** Returns the limits of every class: the options' rules over the defaults, or false. */
export function resolveRateLimits(rateLimits: false | Partial<Record<RateLimitClass, RateLimitRule>> | undefined): false | Record<RateLimitClass, RateLimitRule> {
  if (rateLimits === false) return false;
  return { ...DEFAULT_RATE_LIMITS, ...rateLimits };
}
