/**
 * Returns the delay before the next attempt after `attempts` deferred attempts, or null when the message
 * has been retried long enough and bounces as soft. The last delay of the schedule repeats.
 */
export function nextRetryDelaySeconds(attempts: number, delays: readonly number[], acceptedAt: Date, now: Date, maxAgeSeconds: number): number | null {
  const delay = delays[Math.min(attempts, delays.length) - 1] ?? delays[delays.length - 1] ?? 0;
  const deadline = acceptedAt.getTime() + maxAgeSeconds * 1000;
  return now.getTime() + delay * 1000 > deadline ? null : delay;
}

/**
 * Returns the delay in milliseconds before the next attempt of a send that the module's own
 * throttle held back. It is `waitMs`, the wait until the domain's next send time, or the
 * schedule's first delay when the send found no free connection slot. It is null when the retry
 * window closes first.
 */
export function heldRetryDelayMs(waitMs: number, delays: readonly number[], acceptedAt: Date, now: Date, maxAgeSeconds: number): number | null {
  const delayMs = waitMs > 0 ? waitMs : (delays[0] ?? 0) * 1000;
  const deadline = acceptedAt.getTime() + maxAgeSeconds * 1000;
  return now.getTime() + delayMs > deadline ? null : delayMs;
}
