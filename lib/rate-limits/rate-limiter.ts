import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Clock } from '../common/clock.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { CLOCK, RATE_LIMIT_STORE } from '../module/tokens.js';
import type { RateLimitClass, RateLimitStore } from './rate-limit-rules.js';

/** Outcome of counting one request: whether it may run, and the headers that tell the client its limit. */
export interface RateLimitVerdict {
  allowed: boolean;
  /** `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix seconds), plus `Retry-After` when refused. */
  headers: Record<string, string>;
}

/**
 * Counts requests per route class and subject in fixed windows. When the store fails, the request
 * runs uncounted and the failure is logged, because the limits protect the API and must not take
 * it down.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  private storeFailing = false;

  constructor(
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedScaiSendOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore | null,
  ) {}

  /**
   * Counts one request of `subject` (`tenant:<id>` or `credential:<id>`) in `name`'s window.
   * Returns null when rate limiting is off or the count failed.
   */
  async count(name: RateLimitClass, subject: string): Promise<RateLimitVerdict | null> {
    if (this.options.rateLimits === false || this.store === null) return null;

    const rule = this.options.rateLimits[name];
    const now = this.clock.now().getTime();
    let hit;
    try {
      hit = await this.store.hit(`${name}:${subject}`, rule.windowSeconds * 1000, now);
      this.noteRecovery();
    } catch (error) {
      this.noteFailure(error as Error);
      return null;
    }

    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(rule.limit),
      'X-RateLimit-Remaining': String(Math.max(0, rule.limit - hit.count)),
      'X-RateLimit-Reset': String(Math.ceil(hit.resetAt / 1000)),
    };
    if (hit.count <= rule.limit) return { allowed: true, headers };
    return { allowed: false, headers: { ...headers, 'Retry-After': String(Math.max(1, Math.ceil((hit.resetAt - now) / 1000))) } };
  }

  /** Closes the store that the module made; a store from the `rateLimitStore` option stays open. */
  async onApplicationShutdown(): Promise<void> {
    if (this.store !== this.options.rateLimitStore) await this.store?.close?.();
  }

  /** Logs the first failure of an outage, not one line per request. */
  private noteFailure(error: Error): void {
    if (this.storeFailing) return;
    this.storeFailing = true;
    this.logger.error(`Counting a request for the rate limits failed, so requests run uncounted until the store is reachable again: ${error.message}`);
  }

  private noteRecovery(): void {
    if (!this.storeFailing) return;
    this.storeFailing = false;
    this.logger.log('The rate-limit store is reachable again, and requests are counted');
  }
}
