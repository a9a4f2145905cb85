import { BulkAdder } from './bulk-adder.js';

/** A bulk add that the test finishes by hand. */
class ManualBulks {
  readonly bulks: string[][] = [];
  private readonly finishers: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  readonly addBulk = (items: string[]): Promise<void> => {
    this.bulks.push(items);
    return new Promise<void>((resolve, reject) => this.finishers.push({ resolve, reject }));
  };

  finish(index: number, error?: Error): void {
    const finisher = this.finishers[index];
    if (error) finisher?.reject(error);
    else finisher?.resolve();
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BulkAdder', () => {
  it('adds a lone call at once', async () => {
    const store = new ManualBulks();
    const adder = new BulkAdder(store.addBulk);

    const added = adder.add(['a']);
    await settle();
    store.finish(0);

    await expect(added).resolves.toBeUndefined();
    expect(store.bulks).toEqual([['a']]);
  });

  it('joins the calls made during an add', async () => {
    const store = new ManualBulks();
    const adder = new BulkAdder(store.addBulk);

    const first = adder.add(['a']);
    const second = adder.add(['b', 'c']);
    const third = adder.add(['d']);
    await settle();
    store.finish(0);
    await first;
    await settle();
    store.finish(1);

    await Promise.all([second, third]);
    expect(store.bulks).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('rejects only the calls of a failed add', async () => {
    const store = new ManualBulks();
    const adder = new BulkAdder(store.addBulk);

    const first = adder.add(['a']);
    const second = adder.add(['b']);
    await settle();
    store.finish(0, new Error('queue store unreachable'));
    await expect(first).rejects.toThrow('queue store unreachable');
    await settle();
    store.finish(1);

    await expect(second).resolves.toBeUndefined();
  });

  it('keeps joined bulks within the item limit without splitting a call', async () => {
    const store = new ManualBulks();
    const adder = new BulkAdder(store.addBulk, { maxItems: 3 });

    const calls = [adder.add(['a']), adder.add(['b', 'c']), adder.add(['d', 'e']), adder.add(['f', 'g', 'h', 'i'])];
    for (let index = 0; index < 4; index++) {
      await settle();
      store.finish(index);
    }

    await Promise.all(calls);
    expect(store.bulks).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f', 'g', 'h', 'i']]);
  });

  it('moves on when a bulk add stalls', async () => {
    const store = new ManualBulks();
    const adder = new BulkAdder(store.addBulk, { timeoutMs: 50 });

    const stalled = adder.add(['a']);
    const next = adder.add(['b']);
    await expect(stalled).rejects.toThrow('Adding jobs timed out after 50 ms');
    await settle();
    store.finish(1);

    await expect(next).resolves.toBeUndefined();
    expect(store.bulks).toEqual([['a'], ['b']]);
  });

  it('adds nothing for an empty call', async () => {
    const store = new ManualBulks();

    await new BulkAdder(store.addBulk).add([]);

    expect(store.bulks).toEqual([]);
  });
});
