import type { DomainLimits, LimitsChange, SendReservation, ThrottlePolicy } from './throttle-store.js';

/**
 * Stored throttling state of one domain. The in-memory and PostgreSQL stores keep it as is. The
 * Redis store keeps the same fields in a hash and applies the same rules in Lua.
 */
export interface ThrottleState {
  /** Lowered concurrency, or null while the domain runs at the configured maximum. */
  concurrency: number | null;
  /** Lowered rate per minute, or null while the domain runs at the configured maximum. */
  ratePerMinute: number | null;
  /** Successful transactions since the last change of the limits. */
  successes: number;
  /** Time of the last decrease, in milliseconds since the epoch. */
  decreasedAt: number | null;
  /** Earliest start of the next send beyond the burst allowance, in milliseconds since the epoch. */
  nextSendAt: number | null;
  updatedAt: number;
}

/** New state of a domain, and whether the store must write it. */
export interface StateUpdate<T> {
  state: ThrottleState | null;
  write: boolean;
  result: T;
}

/** Share of the maximum rate that one step of additive increase adds back. */
const RATE_STEP_FRACTION = 0.1;

/** Returns the limits that apply, clamped to the configured maximums, which may have been lowered since. */
export function currentLimits(state: ThrottleState | null, max: DomainLimits): DomainLimits {
  return {
    concurrency: Math.min(state?.concurrency ?? max.concurrency, max.concurrency),
    ratePerMinute: Math.min(state?.ratePerMinute ?? max.ratePerMinute, max.ratePerMinute),
  };
}

/** Returns the state, or null once it is older than the policy's time to live. */
export function freshState(state: ThrottleState | null, policy: ThrottlePolicy, now: number): ThrottleState | null {
  if (!state || now - state.updatedAt > policy.stateTtlMs) return null;
  return state;
}

/** Rate added back by one step of additive increase, in messages per minute. */
export function rateStep(max: DomainLimits): number {
  return Math.max(1, Math.ceil(max.ratePerMinute * RATE_STEP_FRACTION));
}

/** Sends that may start at once after a quiet spell: one second's worth at the current rate, at least one. */
export function burstSize(ratePerMinute: number): number {
  return Math.max(1, Math.floor(ratePerMinute / 60));
}

/**
 * Reserves the next send time with the generic cell rate algorithm: sends are spaced `60000 / rate`
 * milliseconds apart, and up to a burst's worth may start together after a quiet spell.
 */
export function reserveSendTime(state: ThrottleState | null, policy: ThrottlePolicy, now: number, maxWaitMs: number): StateUpdate<SendReservation> {
  const fresh = freshState(state, policy, now);
  const { ratePerMinute } = currentLimits(fresh, policy.max);
  const interval = 60_000 / ratePerMinute;
  const earliest = now - (burstSize(ratePerMinute) - 1) * interval;
  const sendAt = Math.max(fresh?.nextSendAt ?? earliest, earliest);
  const waitMs = Math.max(0, Math.ceil(sendAt - now));

  if (waitMs > maxWaitMs) return { state: fresh, write: false, result: { reserved: false, waitMs } };
  return { state: { ...baseState(fresh, now), nextSendAt: Math.round(sendAt + interval), updatedAt: now }, write: true, result: { reserved: true, waitMs } };
}

/** Halves both limits, down to 1, unless the last decrease is within the cooldown. */
export function applyRateLimited(state: ThrottleState | null, policy: ThrottlePolicy, now: number): StateUpdate<LimitsChange | null> {
  const fresh = freshState(state, policy, now);
  if (fresh?.decreasedAt != null && now - fresh.decreasedAt < policy.decreaseCooldownMs) return { state: fresh, write: false, result: null };

  const before = currentLimits(fresh, policy.max);
  const after = { concurrency: Math.max(1, Math.floor(before.concurrency / 2)), ratePerMinute: Math.max(1, Math.floor(before.ratePerMinute / 2)) };
  const next = { ...baseState(fresh, now), ...storedLimits(after, policy.max), successes: 0, decreasedAt: now, updatedAt: now };
  return { state: next, write: true, result: { before, after } };
}

/** Counts a success below the maximums, and raises both limits one step every `increaseAfter` successes. */
export function applySuccess(state: ThrottleState | null, policy: ThrottlePolicy, now: number): StateUpdate<LimitsChange | null> {
  const fresh = freshState(state, policy, now);
  const before = currentLimits(fresh, policy.max);
  if (!fresh || (before.concurrency >= policy.max.concurrency && before.ratePerMinute >= policy.max.ratePerMinute)) {
    return { state: fresh, write: false, result: null };
  }

  const successes = fresh.successes + 1;
  if (successes < policy.increaseAfter) return { state: { ...fresh, successes, updatedAt: now }, write: true, result: null };

  const after = {
    concurrency: Math.min(policy.max.concurrency, before.concurrency + 1),
    ratePerMinute: Math.min(policy.max.ratePerMinute, before.ratePerMinute + rateStep(policy.max)),
  };
  return { state: { ...fresh, ...storedLimits(after, policy.max), successes: 0, updatedAt: now }, write: true, result: { before, after } };
}

function baseState(state: ThrottleState | null, now: number): ThrottleState {
  return state ?? { concurrency: null, ratePerMinute: null, successes: 0, decreasedAt: null, nextSendAt: null, updatedAt: now };
}

/** Converts limits to their stored form: a limit back at its maximum becomes null, so a later change of the configuration applies at once. */
function storedLimits(limits: DomainLimits, max: DomainLimits): Pick<ThrottleState, 'concurrency' | 'ratePerMinute'> {
  return {
    concurrency: limits.concurrency >= max.concurrency ? null : limits.concurrency,
    ratePerMinute: limits.ratePerMinute >= max.ratePerMinute ? null : limits.ratePerMinute,
  };
}
