import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { utcDay } from '../common/dates.js';
import { DailyStatEntity } from './daily-stat.entity.js';
import type { StatMetric } from './stats-metrics.js';

/** Rows each counter is spread over; one transaction writes all its increments to one shard. */
const STAT_SHARDS = 8;

export interface StatIncrement {
  tenantId: string;
  at: Date;
  metric: StatMetric;
  categories: string[];
  count?: number;
}

/**
 * Adds to the daily counters inside the caller's transaction, so a counter changes exactly when
 * the event that it counts is committed. Each increment counts toward the whole day (category
 * `''`) and toward each of the message's categories.
 */
@Injectable()
export class StatsCounter {
  async increment(manager: EntityManager, increments: StatIncrement[]): Promise<void> {
    const totals = new Map<string, DailyStatEntity>();
    const shard = randomInt(STAT_SHARDS);
    for (const increment of increments) {
      for (const category of ['', ...increment.categories]) {
        const row = { tenantId: increment.tenantId, day: utcDay(increment.at), category, metric: increment.metric, shard, count: 0 };
        const key = `${row.tenantId}\u0000${row.day}\u0000${row.category}\u0000${row.metric}`;
        const total = totals.get(key) ?? row;
        total.count += increment.count ?? 1;
        totals.set(key, total);
      }
    }
    if (totals.size === 0) return;

    // Sorted keys make concurrent transactions lock the counter rows in the same order, so they
    // wait for each other instead of deadlocking.
    const rows = [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row);
    await this.upsertAdding(manager, rows);
  }

  private async upsertAdding(manager: EntityManager, rows: DailyStatEntity[]): Promise<void> {
    const table = manager.getRepository(DailyStatEntity).metadata.tableName;
    const values: unknown[] = [];
    const tuples = rows.map((row, index) => {
      values.push(row.tenantId, row.day, row.category, row.metric, row.shard, row.count);
      const base = index * 6;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`;
    });
    // PostgreSQL's ON CONFLICT adds to the existing count atomically; other drivers need their
    // own form of this statement.
    await manager.query(
      `INSERT INTO "${table}" ("tenant_id", "day", "category", "metric", "shard", "count") VALUES ${tuples.join(', ')} ` +
        `ON CONFLICT ("tenant_id", "day", "category", "metric", "shard") DO UPDATE SET "count" = "${table}"."count" + EXCLUDED."count"`,
      values,
    );
  }
}
