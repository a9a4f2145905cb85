import { applyRateLimited, applySuccess, currentLimits, freshState, reserveSendTime, type StateUpdate, type ThrottleState } from './throttle-rules.js';
import type { DomainLimits, LimitsChange, SendReservation, ThrottlePolicy, ThrottleStore } from './throttle-store.js';

/** Time between sweeps of forgotten domains, in milliseconds. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Throttling state in this process only: the default of a standalone `SmtpDelivery`. Processes
 * that deliver to the same domains need a shared store (Redis or PostgreSQL) to keep one limit.
 */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly states = new Map<string, ThrottleState>();
  /** Slot ids by domain, each with the end of its lease in milliseconds since the epoch. */
  private readonly slots = new Map<string, Map<string, number>>();
  private lastSweepAt = 0;

  async limits(domain: string, policy: ThrottlePolicy): Promise<DomainLimits> {
    return currentLimits(freshState(this.states.get(domain) ?? null, policy, Date.now()), policy.max);
  }

  async reserveSend(domain: string, policy: ThrottlePolicy, maxWaitMs: number): Promise<SendReservation> {
    return this.update(domain, policy, (state, now) => reserveSendTime(state, policy, now, maxWaitMs));
  }

  async acquireSlot(domain: string, policy: ThrottlePolicy, slotId: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const slots = this.liveSlots(domain, now);
    const { concurrency } = currentLimits(freshState(this.states.get(domain) ?? null, policy, now), policy.max);
    if (slots.size >= concurrency) return false;

    slots.set(slotId, now + leaseMs);
    this.slots.set(domain, slots);
    return true;
  }

  async renewSlot(domain: string, slotId: string, leaseMs: number): Promise<boolean> {
    const slots = this.liveSlots(domain, Date.now());
    if (!slots.has(slotId)) return false;

    slots.set(slotId, Date.now() + leaseMs);
    return true;
  }

  async releaseSlot(domain: string, slotId: string): Promise<void> {
    const slots = this.slots.get(domain);
    slots?.delete(slotId);
    if (slots?.size === 0) this.slots.delete(domain);
  }

  async recordRateLimited(domain: string, policy: ThrottlePolicy): Promise<LimitsChange | null> {
    return this.update(domain, policy, (state, now) => applyRateLimited(state, policy, now));
  }

  async recordSuccess(domain: string, policy: ThrottlePolicy): Promise<LimitsChange | null> {
    return this.update(domain, policy, (state, now) => applySuccess(state, policy, now));
  }

  async close(): Promise<void> {
    this.states.clear();
    this.slots.clear();
  }

  private update<T>(domain: string, policy: ThrottlePolicy, rule: (state: ThrottleState | null, now: number) => StateUpdate<T>): T {
    const now = Date.now();
    this.sweep(policy, now);

    const { state, write, result } = rule(this.states.get(domain) ?? null, now);
    if (write && state) this.states.set(domain, state);
    return result;
  }

  private liveSlots(domain: string, now: number): Map<string, number> {
    const slots = this.slots.get(domain) ?? new Map<string, number>();
    for (const [slotId, expiresAt] of slots) {
      if (expiresAt <= now) slots.delete(slotId);
    }
    return slots;
  }

  private sweep(policy: ThrottlePolicy, now: number): void {
    if (now - this.lastSweepAt < SWEEP_INTERVAL_MS) return;
    this.lastSweepAt = now;

    for (const [domain, state] of this.states) {
      if (!freshState(state, policy, now)) this.states.delete(domain);
    }
  }
}
