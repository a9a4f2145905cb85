import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { openRedisClient } from '../../common/redis-client.js';
import { ACQUIRE_SLOT, RECORD_RATE_LIMITED, RECORD_SUCCESS, RENEW_SLOT, RESERVE_SEND } from './redis-throttle-scripts.js';
import { rateStep } from './throttle-rules.js';
import type { DomainLimits, LimitsChange, SendReservation, ThrottlePolicy, ThrottleStore } from './throttle-store.js';

/** Options of {@link RedisThrottleStore}. */
export interface RedisThrottleStoreOptions {
  /** Start of every key; each domain has `<prefix>:{<domain>}:state` and `<prefix>:{<domain>}:slots`. @default 'scaisend:throttle' */
  keyPrefix?: string;
  /** Quit the client on `close()`. @default false */
  ownsClient?: boolean;
}

const DEFAULT_KEY_PREFIX = 'scaisend:throttle';

/**
 * Throttling state in Redis, shared by every process that uses the same server and prefix. Each
 * change runs as one Lua script, so it is atomic. A domain's state is a hash that expires
 * `policy.stateTtlMs` after its last change, and its slots are a sorted set scored by lease end.
 * Both keys of a domain carry the domain as hash tag, so they share a slot in Redis Cluster.
 */
export class RedisThrottleStore implements ThrottleStore, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottleStore.name);
  private readonly keyPrefix: string;
  private connectionFailing = false;
  private closed = false;

  constructor(
    private readonly client: Redis | Cluster,
    private readonly options: RedisThrottleStoreOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (options.ownsClient) this.logConnectionErrors();
  }

  /**
   * Opens a connection of its own from BullMQ's connection option: a duplicate of a client
   * instance, else a new client on the same options. The store quits it on `close()`.
   */
  static connect(connection: ConnectionOptions, options: Omit<RedisThrottleStoreOptions, 'ownsClient'> = {}): RedisThrottleStore {
    return new RedisThrottleStore(openRedisClient(connection), { ...options, ownsClient: true });
  }

  async limits(domain: string, policy: ThrottlePolicy): Promise<DomainLimits> {
    const [concurrency, rate] = await this.client.hmget(this.stateKey(domain), 'concurrency', 'rate');
    return {
      concurrency: Math.min(Number(concurrency ?? policy.max.concurrency), policy.max.concurrency),
      ratePerMinute: Math.min(Number(rate ?? policy.max.ratePerMinute), policy.max.ratePerMinute),
    };
  }

  async reserveSend(domain: string, policy: ThrottlePolicy, maxWaitMs: number): Promise<SendReservation> {
    const reply = await RESERVE_SEND.run(this.client, [this.stateKey(domain)], [policy.max.concurrency, policy.max.ratePerMinute, maxWaitMs, policy.stateTtlMs]);
    const [reserved, waitMs] = reply as [number, number];
    return { reserved: reserved === 1, waitMs };
  }

  async acquireSlot(domain: string, policy: ThrottlePolicy, slotId: string, leaseMs: number): Promise<boolean> {
    const keys = [this.stateKey(domain), this.slotsKey(domain)];
    return (await ACQUIRE_SLOT.run(this.client, keys, [policy.max.concurrency, policy.max.ratePerMinute, slotId, leaseMs])) === 1;
  }

  async renewSlot(domain: string, slotId: string, leaseMs: number): Promise<boolean> {
    return (await RENEW_SLOT.run(this.client, [this.slotsKey(domain)], [slotId, leaseMs])) === 1;
  }

  async releaseSlot(domain: string, slotId: string): Promise<void> {
    await this.client.zrem(this.slotsKey(domain), slotId);
  }

  async recordRateLimited(domain: string, policy: ThrottlePolicy): Promise<LimitsChange | null> {
    const args = [policy.max.concurrency, policy.max.ratePerMinute, policy.decreaseCooldownMs, policy.stateTtlMs];
    return toChange(await RECORD_RATE_LIMITED.run(this.client, [this.stateKey(domain)], args));
  }

  async recordSuccess(domain: string, policy: ThrottlePolicy): Promise<LimitsChange | null> {
    const args = [policy.max.concurrency, policy.max.ratePerMinute, policy.increaseAfter, rateStep(policy.max), policy.stateTtlMs];
    return toChange(await RECORD_SUCCESS.run(this.client, [this.stateKey(domain)], args));
  }

  /** Quits the client when the store owns it; a client passed in stays open. */
  async close(): Promise<void> {
    if (!this.options.ownsClient || this.closed) return;
    this.closed = true;
    await this.client.quit();
  }

  /** Closes the store's own connection when it is a provider of a Nest application that shuts down. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private stateKey(domain: string): string {
    return `${this.keyPrefix}:{${domain}}:state`;
  }

  private slotsKey(domain: string): string {
    return `${this.keyPrefix}:{${domain}}:slots`;
  }

  /** Logs the first error of an outage and the recovery, not every reconnection attempt in between. */
  private logConnectionErrors(): void {
    this.client.on('error', (error: Error) => {
      if (this.connectionFailing) return;
      this.connectionFailing = true;
      this.logger.error(`Redis connection of the throttling store failed: ${error.message}`);
    });
    this.client.on('ready', () => {
      if (!this.connectionFailing) return;
      this.connectionFailing = false;
      this.logger.log('Redis connection of the throttling store is back');
    });
  }
}

function toChange(reply: unknown): LimitsChange | null {
  if (!Array.isArray(reply)) return null;

  const [concurrency, rate, newConcurrency, newRate] = reply.map(Number);
  return { before: { concurrency, ratePerMinute: rate }, after: { concurrency: newConcurrency, ratePerMinute: newRate } };
}
