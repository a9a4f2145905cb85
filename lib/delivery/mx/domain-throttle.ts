import { Logger } from '@nestjs/common';
import { settingFor, type DomainSetting } from './domain-setting.js';
import { SlotWaiters } from './slot-waiters.js';
import type { LimitsChange, ThrottlePolicy, ThrottleStore } from './throttle-store.js';

/** Settings of {@link DomainThrottle}, with every default applied. */
export interface DomainThrottleSettings {
  store: ThrottleStore;
  /** Maximum transactions at a time per recipient domain. */
  concurrency: DomainSetting;
  /** Maximum transactions started per minute per recipient domain. */
  ratePerMinute: DomainSetting;
  /** Maximum wait of a send for its domain's rate or a free slot, in milliseconds; after it the send is deferred. */
  maxWaitMs: number;
  increaseAfter: number;
  decreaseCooldownMs: number;
  stateTtlMs: number;
}

/** Feedback of a finished transaction for the throttle. */
export interface TransactionFeedback {
  /** A reply that asked the sender to slow down (421, or 4.7.x naming a rate), when one came. */
  rateLimitedBy?: string;
  /** True when the server accepted the message for at least one recipient. */
  delivered: boolean;
}

/** Permission to run one transaction to a domain. Release it when the transaction ends; later calls do nothing. */
export interface ThrottlePermit {
  release(feedback: TransactionFeedback): Promise<void>;
}

/** Outcome of asking to send to a domain now. */
export type ThrottleAdmission =
  | { admitted: true; permit: ThrottlePermit }
  | { admitted: false; cause: 'rate'; waitMs: number }
  | { admitted: false; cause: 'concurrency'; concurrency: number };

export const DEFAULT_MX_CONCURRENCY = 10;
export const DEFAULT_MX_RATE_PER_MINUTE = 600;

/** Lease of a concurrency slot; the holder renews it every third of it while its transaction runs. */
const SLOT_LEASE_MS = 60_000;
/** Maximum length of a reply quoted in a log line. */
const MAX_QUOTED_REPLY = 200;

/**
 * Per-domain throttling of direct MX delivery: a rate and a concurrency limit per recipient domain,
 * kept in a {@link ThrottleStore} that worker processes share, and adapted to the domain's replies
 * (AIMD: a rate-limit reply halves both limits, successes raise them back step by step).
 */
export class DomainThrottle {
  private readonly logger = new Logger(DomainThrottle.name);
  private readonly waiters: SlotWaiters;

  constructor(private readonly settings: DomainThrottleSettings) {
    this.waiters = new SlotWaiters(settings.store, SLOT_LEASE_MS);
  }

  /** Returns the configured maximums and adaptation rules of `domain`. */
  policyFor(domain: string): ThrottlePolicy {
    return {
      max: {
        concurrency: settingFor(this.settings.concurrency, domain, DEFAULT_MX_CONCURRENCY),
        ratePerMinute: settingFor(this.settings.ratePerMinute, domain, DEFAULT_MX_RATE_PER_MINUTE),
      },
      increaseAfter: this.settings.increaseAfter,
      decreaseCooldownMs: this.settings.decreaseCooldownMs,
      stateTtlMs: this.settings.stateTtlMs,
    };
  }

  /**
   * Waits for the domain's next send time and a free concurrency slot, together at most
   * `maxWaitMs`. Past that the send is refused, so a worker is not held for minutes: the caller
   * defers the recipients and the queue retries later. Rejects when the store fails.
   */
  async admit(domain: string): Promise<ThrottleAdmission> {
    const policy = this.policyFor(domain);
    const startedAt = Date.now();

    const reservation = await this.settings.store.reserveSend(domain, policy, this.settings.maxWaitMs);
    if (!reservation.reserved) {
      this.logger.debug(`Send to ${domain} deferred: its next send time is ${formatSeconds(reservation.waitMs)} away, more than the ${formatSeconds(this.settings.maxWaitMs)} allowed`);
      return { admitted: false, cause: 'rate', waitMs: reservation.waitMs };
    }
    if (reservation.waitMs > 0) await sleep(reservation.waitMs);

    const remainingMs = Math.max(0, this.settings.maxWaitMs - (Date.now() - startedAt));
    const slotId = await this.waiters.acquire(domain, policy, remainingMs);
    if (!slotId) {
      const { concurrency } = await this.settings.store.limits(domain, policy);
      this.logger.debug(`Send to ${domain} deferred: no concurrency slot came free within the allowed wait (limit ${concurrency})`);
      return { admitted: false, cause: 'concurrency', concurrency };
    }

    return { admitted: true, permit: this.permit(domain, policy, slotId) };
  }

  /** Ends every wait for a slot; the waiting sends are deferred. */
  close(): void {
    this.waiters.close();
  }

  private permit(domain: string, policy: ThrottlePolicy, slotId: string): ThrottlePermit {
    const renewal = setInterval(() => void this.renew(domain, slotId), SLOT_LEASE_MS / 3);
    renewal.unref();
    let released = false;

    return {
      release: async (feedback) => {
        if (released) return;
        released = true;
        clearInterval(renewal);

        await this.settings.store.releaseSlot(domain, slotId).catch((error: Error) => {
          this.logger.error(`Releasing a concurrency slot of ${domain} failed; it frees itself when its lease ends: ${error.message}`);
        });
        this.waiters.released(domain);
        await this.adapt(domain, policy, feedback);
      },
    };
  }

  private async renew(domain: string, slotId: string): Promise<void> {
    try {
      const held = await this.settings.store.renewSlot(domain, slotId, SLOT_LEASE_MS);
      if (!held) this.logger.warn(`A concurrency slot of ${domain} expired during its transaction, so ${domain} may see one transaction more than its limit`);
    } catch (error) {
      this.logger.error(`Renewing a concurrency slot of ${domain} failed: ${(error as Error).message}`);
    }
  }

  /** Applies the feedback to the shared limits. It logs a failure instead of throwing it, because the transaction already ran. */
  private async adapt(domain: string, policy: ThrottlePolicy, feedback: TransactionFeedback): Promise<void> {
    try {
      if (feedback.rateLimitedBy !== undefined) {
        const change = await this.settings.store.recordRateLimited(domain, policy);
        if (change) this.logger.warn(`Throttling ${domain}: ${describeChange(change)} after "${quoteReply(feedback.rateLimitedBy)}"`);
        return;
      }

      if (!feedback.delivered) return;
      const change = await this.settings.store.recordSuccess(domain, policy);
      if (change) this.logger.log(`Easing throttling of ${domain}: ${describeChange(change)} after ${policy.increaseAfter} successful transactions`);
    } catch (error) {
      this.logger.error(`Updating the throttling state of ${domain} failed: ${(error as Error).message}`);
    }
  }
}

function describeChange({ before, after }: LimitsChange): string {
  if (before.concurrency === after.concurrency && before.ratePerMinute === after.ratePerMinute) {
    return `concurrency stays ${after.concurrency}, rate stays ${after.ratePerMinute}/min (the minimum)`;
  }
  return `concurrency ${before.concurrency} -> ${after.concurrency}, rate ${before.ratePerMinute}/min -> ${after.ratePerMinute}/min`;
}

/** Shortens a reply for the log and masks addresses in it, which servers sometimes quote. */
export function quoteReply(reply: string): string {
  const masked = reply
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/<[^<>\s]+@[^<>\s]+>/g, '<address>')
    .replace(/[^\s<>"'()[\]]+@[^\s<>"'()[\]]+/g, '<address>');
  return masked.length > MAX_QUOTED_REPLY ? `${masked.slice(0, MAX_QUOTED_REPLY)}…` : masked;
}

function formatSeconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
