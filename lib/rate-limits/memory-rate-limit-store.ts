import { windowOf, type RateLimitHit, type RateLimitStore } from './rate-limit-rules.js';

/** Time between deletions of ended windows, in milliseconds. */
const SWEEP_INTERVAL_MS = 60_000;

/** Counters in this process's memory, for one process or for tests. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, RateLimitHit>();
  private nextSweepAt = 0;

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitHit> {
    this.sweep(now);
    const { resetAt } = windowOf(windowMs, now);
    const current = this.windows.get(key);
    const hit = current?.resetAt === resetAt ? { count: current.count + 1, resetAt } : { count: 1, resetAt };
    this.windows.set(key, hit);
    return { ...hit };
  }

  private sweep(now: number): void {
    if (now < this.nextSweepAt) return;

    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [key, hit] of this.windows) {
      if (hit.resetAt <= now) this.windows.delete(key);
    }
  }
}
