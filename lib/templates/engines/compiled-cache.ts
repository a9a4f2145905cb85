/** A map of compiled templates that drops the least recently used entry beyond `capacity`. */
export class CompiledCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  /** Returns the entry of `key`, compiling and storing it first when it is missing. */
  getOrCreate(key: string, create: () => T): T {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      // Re-inserting moves the key to the end of the Map's insertion order, the most recent place.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }

    const created = create();
    this.entries.set(key, created);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return created;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }
}
