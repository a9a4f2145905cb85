/**
 * Returns the delay before the next attempt after `attempts` deferred attempts, or null when the message
 * has been retried long enough and bounces as soft. The last delay of the schedule repeats.
 */
export function nextRetryDelaySeconds(attempts: number, delays: readonly number[], acceptedAt: Date, now: Date, maxAgeSeconds: number): number | null {
  const delay = delays[Math.min(attempts, delays.length) - 1] ?? delays[delays.length - 1] ?? 0;
  const deadline = acceptedAt.getTime() + maxAgeSeconds * 1000;
  return now.getTime() + delay * 1000 > deadline ? null : delay;
}

/** Share of a held try's delay added at random, so held messages do not all come back at once. */
const HELD_JITTER = 0.2;

/**
 * Returns the delay in milliseconds before the next try of a send that the module's own throttle
 * held back, or null when the retry window closes first. The delay starts at the schedule's first
 * delay and doubles with each held try (`heldTries` counts this one) up to the schedule's last
 * delay. It is never shorter than `waitMs`, the wait until the domain's next send time, and up to
 * a fifth of it is added at random.
 */
export function heldRetryDelayMs(
  waitMs: number,
  heldTries: number,
  delays: readonly number[],
  acceptedAt: Date,
  now: Date,
  maxAgeSeconds: number,
  random: () => number = Math.random,
): number | null {
  const firstMs = (delays[0] ?? 0) * 1000;
  const lastMs = Math.max(firstMs, (delays[delays.length - 1] ?? 0) * 1000);
  const backoffMs = Math.min(firstMs * 2 ** Math.max(0, heldTries - 1), lastMs);
  const delayMs = Math.round(Math.max(waitMs, backoffMs) * (1 + HELD_JITTER * random()));
  const deadline = acceptedAt.getTime() + maxAgeSeconds * 1000;
  return now.getTime() + delayMs > deadline ? null : delayMs;
}
