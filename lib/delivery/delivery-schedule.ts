/**
 * Returns the delay before the next attempt after `attempts` deferred attempts, or null when the message
 * has been retried long enough and bounces as soft. The last delay of the schedule repeats.
 */
export function nextRetryDelaySeconds(attempts: number, delays: readonly number[], acceptedAt: Date, now: Date, maxAgeSeconds: number): number | null {
  const delay = delays[Math.min(attempts, delays.length) - 1] ?? delays[delays.length - 1] ?? 0;
  const deadline = acceptedAt.getTime() + maxAgeSeconds * 1000;
  return now.getTime() + delay * 1000 > deadline ? null : delay;
}
