import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { windowOf, type RateLimitHit, type RateLimitStore } from './rate-limit-rules.js';

/** Time between deletions of ended windows, in milliseconds. */
const PRUNE_INTERVAL_MS = 60_000;

const HIT = `INSERT INTO "scaisend_rate_limits" ("key", "reset_at", "count") VALUES ($1, to_timestamp($2::float8 / 1000), 1)
  ON CONFLICT ("key", "reset_at") DO UPDATE SET "count" = "scaisend_rate_limits"."count" + 1
  RETURNING "count"`;

const PRUNE = `DELETE FROM "scaisend_rate_limits" WHERE "reset_at" < clock_timestamp()`;

/**
 * Counters in the PostgreSQL table `scaisend_rate_limits` (migration `RateLimits1765024000000`),
 * through the host's TypeORM DataSource. A hit is one upsert, so concurrent requests of every
 * process count on the same row.
 */
export class PostgresRateLimitStore implements RateLimitStore {
  private readonly logger = new Logger(PostgresRateLimitStore.name);
  private nextPruneAt = 0;

  constructor(private readonly dataSource: DataSource) {}

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitHit> {
    this.pruneWhenDue(now);
    const { resetAt } = windowOf(windowMs, now);
    const rows = (await this.dataSource.query(HIT, [key, resetAt])) as Array<{ count: number }>;
    return { count: Number(rows[0]?.count ?? 1), resetAt };
  }

  /** Deletes ended windows in the background, once a minute at most. */
  private pruneWhenDue(now: number): void {
    if (now < this.nextPruneAt) return;

    this.nextPruneAt = now + PRUNE_INTERVAL_MS;
    this.dataSource.query(PRUNE).catch((error: Error) => this.logger.warn(`Deleting ended rate-limit windows failed: ${error.message}`));
  }
}
