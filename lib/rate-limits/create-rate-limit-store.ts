import type { DataSource } from 'typeorm';
import type { QueueConnection } from '../module/scaisend-options.interface.js';
import { PostgresRateLimitStore } from './postgres-rate-limit-store.js';
import type { RateLimitStore } from './rate-limit-rules.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

/**
 * Creates the counters on the backend that carries the queues, which every process reaches. On
 * Redis they use a connection of their own, with keys under the queue prefix when one is set. On
 * PostgreSQL they use the host's DataSource, whose migrations must include `RateLimits1765024000000`.
 */
export function createRateLimitStore(queue: QueueConnection, dataSource: DataSource): RateLimitStore {
  if ('postgres' in queue) return new PostgresRateLimitStore(dataSource);

  return RedisRateLimitStore.connect(queue.redis, queue.prefix ? `${queue.prefix}:scaisend:ratelimit` : undefined);
}
