import { CompiledCache } from './compiled-cache.js';

describe('CompiledCache', () => {
  it('compiles a key once', () => {
    const cache = new CompiledCache<number>(2);
    let compiled = 0;
    const create = () => ++compiled;

    expect(cache.getOrCreate('a', create)).toBe(1);
    expect(cache.getOrCreate('a', create)).toBe(1);
    expect(compiled).toBe(1);
  });

  it('drops the least recently used entry', () => {
    const cache = new CompiledCache<string>(2);
    cache.getOrCreate('a', () => 'A');
    cache.getOrCreate('b', () => 'B');
    cache.getOrCreate('a', () => 'A');
    cache.getOrCreate('c', () => 'C');

    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(cache.size).toBe(2);
  });
});
