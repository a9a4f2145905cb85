import { randomUUID } from 'node:crypto';
import type { ThrottlePolicy, ThrottleStore } from './throttle-store.js';

/** Mean time between two tries of the store while every slot is taken, in milliseconds. */
const POLL_INTERVAL_MS = 200;

interface Waiter {
  policy: ThrottlePolicy;
  /** True once the waiter got a slot, timed out or failed. */
  settled: boolean;
  /** Settles the waiter once; returns false when it had settled already (timed out). */
  settle: (slotId: string | null) => boolean;
  fail: (error: unknown) => void;
}

interface DomainQueue {
  waiters: Waiter[];
  pumping: boolean;
  wake?: () => void;
}

/**
 * Waits for concurrency slots of the store, first come first served within this process. Only
 * the first waiter of a domain queries the store, so a busy domain costs one store call per poll and
 * not one per waiter. A slot released in this process wakes the queue at once; one released by
 * another process is noticed at the next poll.
 */
export class SlotWaiters {
  private readonly queues = new Map<string, DomainQueue>();

  constructor(
    private readonly store: ThrottleStore,
    private readonly leaseMs: number,
  ) {}

  /** Resolves with the id of a slot taken for `leaseMs`, or null when none came free within `timeoutMs`. */
  acquire(domain: string, policy: ThrottlePolicy, timeoutMs: number): Promise<string | null> {
    const queue = this.queueOf(domain);

    const acquired = new Promise<string | null>((resolve, reject) => {
      const timer = setTimeout(() => waiter.settle(null), timeoutMs);
      const waiter: Waiter = {
        policy,
        settled: false,
        settle: (slotId) => {
          if (waiter.settled) return false;
          waiter.settled = true;
          clearTimeout(timer);
          resolve(slotId);
          return true;
        },
        fail: (error) => {
          if (waiter.settled) return;
          waiter.settled = true;
          clearTimeout(timer);
          reject(error);
        },
      };
      queue.waiters.push(waiter);
    });

    void this.pump(domain, queue);
    return acquired;
  }

  /** Lets the next waiter of `domain` try at once, because a slot of this process came free. */
  released(domain: string): void {
    this.queues.get(domain)?.wake?.();
  }

  /** Ends every wait with no slot. */
  close(): void {
    for (const queue of this.queues.values()) {
      for (const waiter of queue.waiters) waiter.settle(null);
      queue.wake?.();
    }
  }

  private queueOf(domain: string): DomainQueue {
    let queue = this.queues.get(domain);
    if (!queue) {
      queue = { waiters: [], pumping: false };
      this.queues.set(domain, queue);
    }
    return queue;
  }

  /**
   * Hands slots to the waiters in order. It never rejects: a store failure fails the waiter at the
   * head, which the caller reports.
   */
  private async pump(domain: string, queue: DomainQueue): Promise<void> {
    if (queue.pumping) return;
    queue.pumping = true;

    try {
      while (queue.waiters.length > 0) {
        const waiter = queue.waiters[0] as Waiter;
        if (waiter.settled) {
          queue.waiters.shift();
          continue;
        }

        const slotId = randomUUID();

        let taken: boolean;
        try {
          taken = await this.store.acquireSlot(domain, waiter.policy, slotId, this.leaseMs);
        } catch (error) {
          queue.waiters.shift();
          waiter.fail(error);
          continue;
        }

        if (taken) {
          queue.waiters.shift();
          // The waiter timed out during the store call, so the slot is released.
          if (!waiter.settle(slotId)) await this.store.releaseSlot(domain, slotId).catch(() => undefined);
          continue;
        }

        await this.nap(queue);
      }
    } finally {
      queue.pumping = false;
      if (queue.waiters.length === 0) this.queues.delete(domain);
    }
  }

  private nap(queue: DomainQueue): Promise<void> {
    const jittered = POLL_INTERVAL_MS * (0.5 + Math.random());
    return new Promise((resolve) => {
      const timer = setTimeout(done, jittered);
      function done(): void {
        clearTimeout(timer);
        queue.wake = undefined;
        resolve();
      }
      queue.wake = done;
    });
  }
}
