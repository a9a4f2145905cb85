import type { ConnectionOptions } from 'bullmq';
import { Redis, type Cluster, type RedisOptions } from 'ioredis';

/**
 * Opens a Redis connection of its own from BullMQ's connection option: a duplicate of a client
 * instance, else a new client on the same options. `overrides` change ioredis options of a new
 * client or a duplicate of a single-node client.
 */
export function openRedisClient(connection: ConnectionOptions, overrides: Partial<RedisOptions> = {}): Redis | Cluster {
  const candidate = connection as { duplicate?: unknown };
  if (typeof candidate.duplicate === 'function') {
    return connection instanceof Redis ? connection.duplicate(overrides) : (connection as Cluster).duplicate();
  }

  // `url` and `skipVersionCheck` are BullMQ's own options, which ioredis does not know.
  const { url, skipVersionCheck: _skipVersionCheck, ...options } = connection as { url?: string; skipVersionCheck?: boolean };
  return url ? new Redis(url, { ...options, ...overrides }) : new Redis({ ...options, ...overrides });
}
