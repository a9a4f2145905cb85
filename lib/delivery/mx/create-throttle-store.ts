import type { DataSource } from 'typeorm';
import type { QueueConnection } from '../../module/scaisend-options.interface.js';
import { PostgresThrottleStore } from './postgres-throttle-store.js';
import { RedisThrottleStore } from './redis-throttle-store.js';
import type { ThrottleStore } from './throttle-store.js';

/**
 * Creates the throttle store on the backend that carries the queues, which every worker process
 * reaches: Redis on a connection of its own (keys under the queue prefix when one is set), or
 * PostgreSQL through the host's DataSource, whose migrations must include `ThrottleState1765000000000`.
 */
export function createThrottleStore(queue: QueueConnection, dataSource: DataSource): ThrottleStore {
  if ('postgres' in queue) return new PostgresThrottleStore(dataSource);

  return RedisThrottleStore.connect(queue.redis, queue.prefix ? { keyPrefix: `${queue.prefix}:scaisend:throttle` } : {});
}
