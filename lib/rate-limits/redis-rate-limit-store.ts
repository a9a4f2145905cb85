import { Logger } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { openRedisClient } from '../common/redis-client.js';
import { windowOf, type RateLimitHit, type RateLimitStore } from './rate-limit-rules.js';

const DEFAULT_KEY_PREFIX = 'scaisend:ratelimit';
/** Maximum wait for the first connection, in milliseconds. */
const READY_WAIT_MS = 1000;

/**
 * Counters in Redis, one key per key and window (`<prefix>:<key>:<window start>`), which expires
 * a second after its window ends. A hit is one `INCR` and one `PEXPIRE` in a transaction.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly logger = new Logger(RedisRateLimitStore.name);
  private connectionFailing = false;
  private everReady = false;
  private firstConnection: Promise<void> | undefined;

  private constructor(
    private readonly client: Redis | Cluster,
    private readonly keyPrefix: string,
  ) {
    this.client.on('error', (error: Error) => {
      if (this.connectionFailing) return;
      this.connectionFailing = true;
      this.logger.error(`Redis connection of the rate limits failed: ${error.message}`);
    });
    this.client.on('ready', () => {
      this.everReady = true;
      if (!this.connectionFailing) return;
      this.connectionFailing = false;
      this.logger.log('Redis connection of the rate limits is back');
    });
  }

  /**
   * Opens a connection of its own on BullMQ's connection option. Commands fail at once while the
   * connection is down, so a request does not wait for Redis to come back. Only the first
   * connection is waited for, up to a second.
   */
  static connect(connection: ConnectionOptions, keyPrefix = DEFAULT_KEY_PREFIX): RedisRateLimitStore {
    return new RedisRateLimitStore(openRedisClient(connection, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }), keyPrefix);
  }

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitHit> {
    await this.whenConnected();
    const { start, resetAt } = windowOf(windowMs, now);
    const redisKey = `${this.keyPrefix}:${key}:${start}`;

    const replies = await this.client.multi().incr(redisKey).pexpire(redisKey, windowMs + 1000).exec();
    const [error, count] = replies?.[0] ?? [new Error('Redis returned no reply to INCR'), null];
    if (error) throw error;
    return { count: Number(count), resetAt };
  }

  /** Waits for the first connection; after it, a lost connection fails the hit at once. */
  private async whenConnected(): Promise<void> {
    if (this.client.status === 'ready') return;
    if (this.everReady || this.connectionFailing) throw new Error(`Redis is not connected (${this.client.status})`);

    // Requests that arrive together share one wait.
    this.firstConnection ??= new Promise<void>((resolve, reject) => {
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        this.client.off('error', onError);
        this.firstConnection = undefined;
        if (error) reject(error);
        else resolve();
      };
      const onReady = (): void => settle();
      const onError = (error: Error): void => settle(error);
      const timer = setTimeout(() => settle(new Error(`Redis did not connect within ${READY_WAIT_MS} ms (${this.client.status})`)), READY_WAIT_MS);
      this.client.once('ready', onReady);
      this.client.once('error', onError);
    });
    await this.firstConnection;
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
