/** A call of {@link BulkAdder.add} that waits for its items to be added. */
interface PendingCall<T> {
  items: T[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Adds items in bulk, one bulk add at a time. Calls that arrive while a bulk add runs join the
 * next one, so concurrent requests share one round trip and one lock of the queue store instead
 * of taking one each. A call alone is added at once, without waiting for company. Each call
 * resolves once its own items are added, or rejects with the error of the bulk add that held them.
 */
export class BulkAdder<T> {
  private readonly pending: Array<PendingCall<T>> = [];
  private draining = false;

  /**
   * @param addBulk adds one bulk of items.
   * @param options.maxItems largest bulk that joins several calls. A single call larger than this is added alone.
   * @param options.timeoutMs time after which the calls of a bulk add that has not finished are
   *   rejected and the next bulk starts, so one stalled add does not hold every later one. The
   *   stalled add may still finish later.
   */
  constructor(
    private readonly addBulk: (items: T[]) => Promise<unknown>,
    private readonly options: { maxItems?: number; timeoutMs?: number } = {},
  ) {}

  add(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();

    return new Promise<void>((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const calls = this.takeBulk();
        try {
          await this.withTimeout(this.addBulk(calls.flatMap((call) => call.items)));
          for (const call of calls) call.resolve();
        } catch (error) {
          for (const call of calls) call.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async withTimeout(adding: Promise<unknown>): Promise<void> {
    const { timeoutMs } = this.options;
    if (timeoutMs === undefined) {
      await adding;
      return;
    }

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Adding jobs timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([adding, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Takes the oldest waiting calls, as many as fit in `maxItems`, and always at least one. */
  private takeBulk(): Array<PendingCall<T>> {
    const maxItems = this.options.maxItems ?? 1000;
    let items = this.pending[0]?.items.length ?? 0;
    let calls = 1;
    while (calls < this.pending.length && items + this.pending[calls].items.length <= maxItems) {
      items += this.pending[calls].items.length;
      calls += 1;
    }
    return this.pending.splice(0, calls);
  }
}
