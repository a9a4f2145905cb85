import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { TestDatabase } from '../../../test/support/test-database.js';
import { ThrottleState1765000000000 } from '../../migrations/postgres/1765000000000-throttle-state.js';
import { MemoryThrottleStore } from './memory-throttle-store.js';
import { PostgresThrottleStore } from './postgres-throttle-store.js';
import { RedisThrottleStore } from './redis-throttle-store.js';
import { ThrottleSlotEntity } from './throttle-slot.entity.js';
import { ThrottleStateEntity } from './throttle-state.entity.js';
import type { ThrottlePolicy, ThrottleStore } from './throttle-store.js';

const REDIS_URL = process.env.SCAISEND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function policy(overrides: Partial<ThrottlePolicy> = {}): ThrottlePolicy {
  return { max: { concurrency: 10, ratePerMinute: 600 }, increaseAfter: 3, decreaseCooldownMs: 0, stateTtlMs: 3_600_000, ...overrides };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A store on real infrastructure, and how to take it down. */
interface StoreFixture {
  store: ThrottleStore;
  stop: () => Promise<void>;
}

async function memoryFixture(): Promise<StoreFixture> {
  const store = new MemoryThrottleStore();
  return { store, stop: () => store.close() };
}

async function redisFixture(): Promise<StoreFixture> {
  const keyPrefix = `scaisend-test:${randomBytes(6).toString('hex')}`;
  const store = RedisThrottleStore.connect({ url: REDIS_URL }, { keyPrefix });
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
  const dataSource = new DataSource({ type: 'postgres', url: database.url, entities: [ThrottleStateEntity, ThrottleSlotEntity], migrations: [ThrottleState1765000000000] });
  await dataSource.initialize();
  await dataSource.runMigrations();
  const store = new PostgresThrottleStore(dataSource);
  return {
    store,
    stop: async () => {
      await store.close();
      await dataSource.destroy();
      await database.drop();
    },
  };
}

describe.each([
  ['memory', memoryFixture],
  ['Redis', redisFixture],
  ['PostgreSQL', postgresFixture],
])('%s throttle store', (_name, start) => {
  let fixture: StoreFixture;
  let store: ThrottleStore;
  let domain: string;

  beforeAll(async () => {
    fixture = await start();
    store = fixture.store;
  });

  beforeEach(() => {
    domain = `d${randomBytes(4).toString('hex')}.example`;
  });

  afterAll(() => fixture?.stop());

  it('starts at the configured maximums', async () => {
    expect(await store.limits(domain, policy())).toEqual({ concurrency: 10, ratePerMinute: 600 });
  });

  it('halves both limits on a rate-limit reply', async () => {
    const change = await store.recordRateLimited(domain, policy());

    expect(change).toEqual({ before: { concurrency: 10, ratePerMinute: 600 }, after: { concurrency: 5, ratePerMinute: 300 } });
    expect(await store.limits(domain, policy())).toEqual({ concurrency: 5, ratePerMinute: 300 });
  });

  it('stops halving at one', async () => {
    for (let reply = 0; reply < 12; reply++) await store.recordRateLimited(domain, policy());

    expect(await store.limits(domain, policy())).toEqual({ concurrency: 1, ratePerMinute: 1 });
  });

  it('ignores rate-limit replies within the cooldown', async () => {
    const slow = policy({ decreaseCooldownMs: 3_600_000 });

    expect(await store.recordRateLimited(domain, slow)).not.toBeNull();
    expect(await store.recordRateLimited(domain, slow)).toBeNull();
    expect(await store.limits(domain, slow)).toEqual({ concurrency: 5, ratePerMinute: 300 });
  });

  it('counts parallel replies once', async () => {
    const slow = policy({ decreaseCooldownMs: 3_600_000 });

    const changes = await Promise.all(Array.from({ length: 8 }, () => store.recordRateLimited(domain, slow)));

    expect(changes.filter((change) => change !== null)).toHaveLength(1);
    expect(await store.limits(domain, slow)).toEqual({ concurrency: 5, ratePerMinute: 300 });
  });

  it('ignores successes at the maximums', async () => {
    for (let success = 0; success < 5; success++) expect(await store.recordSuccess(domain, policy())).toBeNull();

    expect(await store.limits(domain, policy())).toEqual({ concurrency: 10, ratePerMinute: 600 });
  });

  it('raises the limits stepwise', async () => {
    await store.recordRateLimited(domain, policy());

    expect(await store.recordSuccess(domain, policy())).toBeNull();
    expect(await store.recordSuccess(domain, policy())).toBeNull();
    const change = await store.recordSuccess(domain, policy());

    expect(change).toEqual({ before: { concurrency: 5, ratePerMinute: 300 }, after: { concurrency: 6, ratePerMinute: 360 } });
    expect(await store.limits(domain, policy())).toEqual({ concurrency: 6, ratePerMinute: 360 });
  });

  it('climbs back to the maximums and no further', async () => {
    await store.recordRateLimited(domain, policy());
    for (let success = 0; success < 60; success++) await store.recordSuccess(domain, policy());

    expect(await store.limits(domain, policy())).toEqual({ concurrency: 10, ratePerMinute: 600 });
  });

  it('follows a raised maximum once recovered', async () => {
    await store.recordRateLimited(domain, policy());
    for (let success = 0; success < 60; success++) await store.recordSuccess(domain, policy());

    expect(await store.limits(domain, policy({ max: { concurrency: 20, ratePerMinute: 1200 } }))).toEqual({ concurrency: 20, ratePerMinute: 1200 });
  });

  it('clamps stored limits to a lowered maximum', async () => {
    await store.recordRateLimited(domain, policy());

    expect(await store.limits(domain, policy({ max: { concurrency: 2, ratePerMinute: 100 } }))).toEqual({ concurrency: 2, ratePerMinute: 100 });
  });

  it('forgets a domain after the state TTL', async () => {
    const shortLived = policy({ stateTtlMs: 50 });
    await store.recordRateLimited(domain, shortLived);

    await sleep(150);

    expect(await store.limits(domain, shortLived)).toEqual({ concurrency: 10, ratePerMinute: 600 });
  });

  it('reserves spaced send times', async () => {
    const onePerMinute = policy({ max: { concurrency: 1, ratePerMinute: 1 } });

    const first = await store.reserveSend(domain, onePerMinute, 120_000);
    const second = await store.reserveSend(domain, onePerMinute, 120_000);

    expect(first).toEqual({ reserved: true, waitMs: 0 });
    expect(second.reserved).toBe(true);
    expect(second.waitMs).toBeGreaterThan(30_000);
    expect(second.waitMs).toBeLessThanOrEqual(60_000);
  });

  it('reserves nothing beyond the allowed wait', async () => {
    const onePerMinute = policy({ max: { concurrency: 1, ratePerMinute: 1 } });
    await store.reserveSend(domain, onePerMinute, 30_000);

    const refused = await store.reserveSend(domain, onePerMinute, 30_000);
    const again = await store.reserveSend(domain, onePerMinute, 30_000);

    expect(refused.reserved).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(30_000);
    expect(again.waitMs).toBeLessThanOrEqual(refused.waitMs);
  });

  it('allows one second of burst', async () => {
    const reservations = [];
    for (let send = 0; send < 10; send++) reservations.push(await store.reserveSend(domain, policy(), 30_000));

    expect(reservations.every((reservation) => reservation.reserved && reservation.waitMs === 0)).toBe(true);
  });

  it('spaces sends at a lowered rate', async () => {
    const onePerSecond = policy({ max: { concurrency: 10, ratePerMinute: 120 } });
    await store.recordRateLimited(domain, onePerSecond);
    await store.reserveSend(domain, onePerSecond, 30_000);

    const next = await store.reserveSend(domain, onePerSecond, 30_000);

    expect(next.waitMs).toBeGreaterThan(500);
  });

  it('hands out concurrency slots up to the limit', async () => {
    const two = policy({ max: { concurrency: 2, ratePerMinute: 600 } });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];

    expect(await store.acquireSlot(domain, two, a, 60_000)).toBe(true);
    expect(await store.acquireSlot(domain, two, b, 60_000)).toBe(true);
    expect(await store.acquireSlot(domain, two, c, 60_000)).toBe(false);

    await store.releaseSlot(domain, a);

    expect(await store.acquireSlot(domain, two, c, 60_000)).toBe(true);
  });

  it('hands out slots atomically', async () => {
    const three = policy({ max: { concurrency: 3, ratePerMinute: 600 } });

    const taken = await Promise.all(Array.from({ length: 12 }, () => store.acquireSlot(domain, three, randomUUID(), 60_000)));

    expect(taken.filter(Boolean)).toHaveLength(3);
  });

  it('applies a lowered concurrency to slots', async () => {
    const four = policy({ max: { concurrency: 4, ratePerMinute: 600 } });
    await store.recordRateLimited(domain, four);

    const taken = [];
    for (let slot = 0; slot < 4; slot++) taken.push(await store.acquireSlot(domain, four, randomUUID(), 60_000));

    expect(taken).toEqual([true, true, false, false]);
  });

  it('frees a slot whose lease ran out', async () => {
    const one = policy({ max: { concurrency: 1, ratePerMinute: 600 } });
    const stale = randomUUID();
    await store.acquireSlot(domain, one, stale, 20);

    await sleep(100);

    expect(await store.acquireSlot(domain, one, randomUUID(), 60_000)).toBe(true);
    expect(await store.renewSlot(domain, stale, 60_000)).toBe(false);
  });

  it('renews a held slot', async () => {
    const one = policy({ max: { concurrency: 1, ratePerMinute: 600 } });
    const held = randomUUID();
    await store.acquireSlot(domain, one, held, 60_000);

    expect(await store.renewSlot(domain, held, 60_000)).toBe(true);

    await store.releaseSlot(domain, held);

    expect(await store.renewSlot(domain, held, 60_000)).toBe(false);
  });
});
