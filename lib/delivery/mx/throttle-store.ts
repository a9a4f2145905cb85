/** Limits of direct delivery to one recipient domain. */
export interface DomainLimits {
  /** Transactions in progress at the same time, across every process that shares the store. */
  concurrency: number;
  /** Transactions started per minute, across every process that shares the store. */
  ratePerMinute: number;
}

/** Configured maximums of a domain, and the rules that move its limits between 1 and them. */
export interface ThrottlePolicy {
  /** Configured limits: the starting point and the ceiling of every increase. */
  max: DomainLimits;
  /** Successful transactions, counted while below `max`, that raise the limits by one step. */
  increaseAfter: number;
  /** Time after a decrease during which further rate-limit replies lower nothing, in milliseconds. */
  decreaseCooldownMs: number;
  /** Time after the last update when a domain's state is forgotten and `max` applies again, in milliseconds. */
  stateTtlMs: number;
}

/** A change of a domain's limits, for the log. */
export interface LimitsChange {
  before: DomainLimits;
  after: DomainLimits;
}

/** Result of asking for a send time at the domain's current rate. */
export interface SendReservation {
  /** True when a send time was reserved, false when it lies beyond the allowed wait. */
  reserved: boolean;
  /** Time until the send time, in milliseconds; 0 when a send may start now. */
  waitMs: number;
}

/**
 * Shared state of the per-domain throttling: each domain's current limits, its next free send time
 * and the transactions in progress. Every method is atomic in the store, so processes that share a
 * store together keep each domain's limits.
 *
 * Limits only ever lie between 1 and `policy.max`. A rate-limit reply halves them (multiplicative
 * decrease) and every `policy.increaseAfter` successes raise them one step: one more concurrent
 * transaction and a tenth of the maximum rate (additive increase).
 */
export interface ThrottleStore {
  /** Returns the domain's current limits; `policy.max` when nothing is stored. */
  limits(domain: string, policy: ThrottlePolicy): Promise<DomainLimits>;

  /**
   * Reserves the next send time at the domain's current rate, allowing a burst of one second's
   * worth of sends. Reserves nothing when that time is more than `maxWaitMs` away.
   */
  reserveSend(domain: string, policy: ThrottlePolicy, maxWaitMs: number): Promise<SendReservation>;

  /**
   * Takes one of the domain's concurrency slots under `slotId` for `leaseMs`, and returns false
   * when every slot is taken. A slot whose lease ran out is free again, so the slots of a process
   * that died come back.
   */
  acquireSlot(domain: string, policy: ThrottlePolicy, slotId: string, leaseMs: number): Promise<boolean>;

  /** Extends the lease of a slot; returns false when the slot had already expired. */
  renewSlot(domain: string, slotId: string, leaseMs: number): Promise<boolean>;

  releaseSlot(domain: string, slotId: string): Promise<void>;

  /**
   * Halves the domain's limits after a rate-limit reply, down to 1. Returns null when the last
   * decrease is less than `policy.decreaseCooldownMs` old, so one burst of replies counts once.
   */
  recordRateLimited(domain: string, policy: ThrottlePolicy): Promise<LimitsChange | null>;

  /** Counts a successful transaction, and returns the change when it completed a step up. */
  recordSuccess(domain: string, policy: ThrottlePolicy): Promise<LimitsChange | null>;

  /** Releases what the store opened itself, such as its own Redis connection. */
  close(): Promise<void>;
}
