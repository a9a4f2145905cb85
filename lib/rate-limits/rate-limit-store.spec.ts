import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { TestDatabase } from '../../test/support/test-database.js';
import { RateLimits1765024000000 } from '../migrations/postgres/1765024000000-rate-limits.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import { PostgresRateLimitStore } from './postgres-rate-limit-store.js';
import { RateLimitCounterEntity } from './rate-limit-counter.entity.js';
import type { RateLimitStore } from './rate-limit-rules.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

const REDIS_URL = process.env.SCAISEND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WINDOW_START = Date.UTC(2026, 11, 4, 12, 0, 0);

/** A store on real infrastructure, and how to take it down. */
interface StoreFixture {
  store: RateLimitStore;
  stop: () => Promise<void>;
}

async function memoryFixture(): Promise<StoreFixture> {
  return { store: new MemoryRateLimitStore(), stop: async () => {} };
}

async function redisFixture(): Promise<StoreFixture> {
  const keyPrefix = `scaisend-test:${randomBytes(6).toString('hex')}`;
  const store = RedisRateLimitStore.connect({ url: REDIS_URL }, keyPrefix);
  const cleaner = new Redis(REDIS_URL);
  return {
    store,
    stop: async () => {
      const keys = await cleaner.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await cleaner.del(...keys);
      await cleaner.quit();
      await store.close();
    },
  };
}

async function postgresFixture(): Promise<StoreFixture> {
  const database = await TestDatabase.create();
  const dataSource = new DataSource({ type: 'postgres', url: database.url, entities: [RateLimitCounterEntity], migrations: [RateLimits1765024000000] });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    store: new PostgresRateLimitStore(dataSource),
    stop: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}

describe.each([
  ['memory', memoryFixture],
  ['Redis', redisFixture],
  ['PostgreSQL', postgresFixture],
])('%s rate-limit store', (_name, start) => {
  let fixture: StoreFixture;

  beforeAll(async () => {
    fixture = await start();
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  it('counts hits within a window', async () => {
    const first = await fixture.store.hit('count:a', 1000, WINDOW_START + 100);
    const second = await fixture.store.hit('count:a', 1000, WINDOW_START + 900);

    expect(first).toEqual({ count: 1, resetAt: WINDOW_START + 1000 });
    expect(second).toEqual({ count: 2, resetAt: WINDOW_START + 1000 });
  });

  it('starts again in the next window', async () => {
    await fixture.store.hit('next:a', 1000, WINDOW_START + 500);

    const next = await fixture.store.hit('next:a', 1000, WINDOW_START + 1000);

    expect(next).toEqual({ count: 1, resetAt: WINDOW_START + 2000 });
  });

  it('counts each key apart', async () => {
    await fixture.store.hit('apart:a', 60_000, WINDOW_START);

    const other = await fixture.store.hit('apart:b', 60_000, WINDOW_START);

    expect(other.count).toBe(1);
  });

  it('counts concurrent hits once each', async () => {
    const hits = await Promise.all(Array.from({ length: 20 }, () => fixture.store.hit('concurrent:a', 60_000, WINDOW_START)));

    expect(hits.map((hit) => hit.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
  });
});

describe('Redis rate-limit store without a server', () => {
  it('fails each hit', async () => {
    const store = RedisRateLimitStore.connect({ host: '127.0.0.1', port: await closedPort() });

    try {
      await expect(store.hit('down:a', 1000, WINDOW_START)).rejects.toThrow();
      await expect(store.hit('down:a', 1000, WINDOW_START)).rejects.toThrow('Redis is not connected');
    } finally {
      await store.close();
    }
  });
});

/** Returns a loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
